package dev.sundial.engine.history;

import com.google.protobuf.ByteString;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/** Reads committed history: events [from, to] of a run, about maxEvents at a time. */
public interface EventPages {
  /** How many events a workflow (or query) task carries in its first page. */
  int WORKFLOW_TASK_PAGE_EVENTS = 5000;

  /** A page of events and the token for the next one (empty when the range is exhausted). */
  record Page(List<HistoryEvent> events, ByteString nextPageToken) {}

  /** The events of the first page of [from, to] (see {@link #page}). */
  default List<HistoryEvent> read(
      String namespaceId, String runId, long from, long to, int maxEvents) {
    return page(namespaceId, runId, from, to, maxEvents).events();
  }

  /**
   * Events [from, to] of a run, at most about maxEvents and small enough for one gRPC message;
   * the token continues after the page.
   */
  Page page(String namespaceId, String runId, long from, long to, int maxEvents);
}
