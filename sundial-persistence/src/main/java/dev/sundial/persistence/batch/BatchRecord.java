package dev.sundial.persistence.batch;

/** One stored batch job: the engine's serialized job and the columns it is found by. */
public record BatchRecord(
    String namespaceId, String jobId, boolean running, long startTimeMillis, byte[] state) {}
