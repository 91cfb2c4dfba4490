package dev.sundial.persistence;

/**
 * A cluster member as registered in the database: its id, the host:port other nodes reach it at,
 * and when it last said it was alive (epoch millis of its own clock).
 */
public record NodeRecord(String nodeId, String address, long heartbeatMillis, long startedMillis) {}
