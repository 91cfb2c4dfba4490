package dev.sundial.persistence;

/**
 * A contiguous batch of history events [firstEventId, lastEventId] of one run, written by one
 * operation. {@code events} is the serialized {@code io.temporal.api.history.v1.History} message;
 * the store treats it as opaque bytes.
 */
public record HistoryBatch(
    String namespaceId, String runId, long firstEventId, long lastEventId, byte[] events) {}
