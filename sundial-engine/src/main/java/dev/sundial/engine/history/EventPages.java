package dev.sundial.engine.history;

import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/** Reads committed history: events [from, to] of a run, about maxEvents at a time. */
@FunctionalInterface
public interface EventPages {
  List<HistoryEvent> read(String namespaceId, String runId, long from, long to, int maxEvents);
}
