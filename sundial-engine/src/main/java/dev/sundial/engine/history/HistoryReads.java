package dev.sundial.engine.history;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.describe.Describer;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.MutableStateCodec;
import dev.sundial.engine.state.RunPosition;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.ExecutionRecord;
import dev.sundial.persistence.ExecutionStore;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.HistoryStore;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * Reads of committed history and state: paged history, the close-event long poll the SDK uses to
 * wait for a result, and the stored mutable state for describe.
 */
public final class HistoryReads implements EventPages, RunStates {
  static final int DEFAULT_PAGE_EVENTS = 1000;

  private final ExecutionStore executions;
  private final HistoryStore historyStore;
  private final RecentEvents recentEvents;
  private final HistoryWatchers watchers;
  private final BiPredicate<String, String> servesRun;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService ioPool;

  /**
   * Built from the stores, the events just committed (read without the store), the watchers a
   * long poll waits on, and whether this node serves a run (a long poll ends when its shard moves away).
   */
  public HistoryReads(
      ExecutionStore executions, HistoryStore historyStore, RecentEvents recentEvents,
      HistoryWatchers watchers, BiPredicate<String, String> servesRun,
      ScheduledExecutorService scheduler,
      ExecutorService ioPool) {
    this.executions = executions;
    this.historyStore = historyStore;
    this.recentEvents = recentEvents;
    this.watchers = watchers;
    this.servesRun = servesRun;
    this.scheduler = scheduler;
    this.ioPool = ioPool;
  }

  /**
   * Events [from, to] of a run, at most about maxEvents and about PAGE_BYTES (never fewer than
   * one event), so that no page passes the 4 MB message limit a default client reads; the token
   * continues after the page.
   */
  @Override
  public Page page(String namespaceId, String runId, long from, long to, int maxEvents) {
    if (to - from + 1 <= maxEvents) {
      List<HistoryEvent> recent = recentEvents.range(namespaceId, runId, from, to);
      if (recent != null && bytesOf(recent) <= PAGE_BYTES) {
        return new Page(recent, ByteString.EMPTY); // just committed: no store read needed
      }
    }
    List<HistoryEvent> events = new ArrayList<>();
    long next = from;
    long bytes = 0;
    boolean full = false;
    for (HistoryBatch b : historyStore.readHistory(namespaceId, runId, from, maxEvents)) {
      History h;
      try {
        h = History.parseFrom(b.events());
      } catch (InvalidProtocolBufferException e) {
        throw new EngineException(EngineException.Code.INTERNAL, "corrupt history batch");
      }
      for (HistoryEvent e : h.getEventsList()) {
        if (e.getEventId() >= from && e.getEventId() <= to) {
          int size = e.getSerializedSize();
          if (!events.isEmpty() && bytes + size > PAGE_BYTES) {
            full = true;
            break;
          }
          events.add(e);
          bytes += size;
          next = e.getEventId() + 1;
        }
      }
      if (full) break;
    }
    boolean more = !events.isEmpty() && next <= to && (full || events.size() >= maxEvents);
    return new Page(events, more ? HistoryPageTokens.forward(next) : ByteString.EMPTY);
  }

  /** A page's share of the 4 MB message limit, leaving room for the rest of the response. */
  static final long PAGE_BYTES = 3L * 1024 * 1024;

  private static long bytesOf(List<HistoryEvent> events) {
    long n = 0;
    for (HistoryEvent e : events) n += e.getSerializedSize();
    return n;
  }

  @Override
  public MutableState read(String namespaceId, String workflowId, String runId) {
    return readState(namespaceId, workflowId, runId);
  }

  /** DescribeWorkflowExecution: the run (current run when runId is empty) as Temporal describes it. */
  public DescribeWorkflowExecutionResponse describe(
      String namespaceId, String workflowId, String runId) {
    return Describer.describe(readState(namespaceId, workflowId, runId));
  }

  /** The committed state of a run (the current run when runId is empty). */
  public MutableState readState(String namespaceId, String workflowId, String runId) {
    ExecutionRecord r = readRecord(namespaceId, workflowId, runId);
    return MutableStateCodec.decode(r.state(), r.dbVersion());
  }

  /** Where the run's history stands (the current run when runId is empty), from the store. */
  private RunPosition readPosition(String namespaceId, String workflowId, String runId) {
    ExecutionRecord r = readRecord(namespaceId, workflowId, runId);
    return MutableStateCodec.decodePosition(r.state(), r.dbVersion());
  }

  private ExecutionRecord readRecord(String namespaceId, String workflowId, String runId) {
    String id = runId;
    if (id == null || id.isEmpty()) {
      CurrentExecution c = executions.getCurrentExecution(namespaceId, workflowId).orElse(null);
      if (c == null) {
        throw new ExecutionNotFoundException(workflowId, runId);
      }
      id = c.runId();
    }
    ExecutionRecord r = executions.getExecution(namespaceId, workflowId, id).orElse(null);
    if (r == null) {
      throw new ExecutionNotFoundException(workflowId, runId);
    }
    return r;
  }


  /** GetWorkflowExecutionHistory, including its long-poll forms. */
  public CompletableFuture<GetWorkflowExecutionHistoryResponse> getHistory(
      String namespaceId, GetWorkflowExecutionHistoryRequest req, long longPollMillis) {
    CompletableFuture<GetWorkflowExecutionHistoryResponse> result = new CompletableFuture<>();
    long deadline = System.currentTimeMillis() + longPollMillis;
    attempt(namespaceId, req, req.getExecution().getRunId(), deadline, result);
    return result;
  }

  private static final long RECHECK_MILLIS = 5_000;

  private void attempt(
      String namespaceId, GetWorkflowExecutionHistoryRequest req, String runId, long deadline,
      CompletableFuture<GetWorkflowExecutionHistoryResponse> result) {
    try {
      String workflowId = req.getExecution().getWorkflowId();
      boolean closeOnly =
          req.getHistoryEventFilterType() == HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
      RunKey key;
      long nextEventId;
      boolean running;
      HistoryWatchers.Seen seen =
          runId.isEmpty() ? null : watchers.latest(new RunKey(namespaceId, workflowId, runId));
      if (closeOnly && req.getWaitNewEvent() && seen != null && seen.running()) {
        // Woken by a commit that left the run open: nothing to read, wait for the next one.
        key = new RunKey(namespaceId, workflowId, runId);
        nextEventId = seen.nextEventId();
        running = true;
      } else {
        RunPosition s = readPosition(namespaceId, workflowId, runId);
        key = new RunKey(namespaceId, workflowId, s.runId());
        GetWorkflowExecutionHistoryResponse response = closeOnly ? closeEvent(s, req) : page(s, req);
        if (response != null || !req.getWaitNewEvent()) {
          result.complete(response != null ? response : emptyResponse(req));
          return;
        }
        nextEventId = s.nextEventId();
        running = s.isRunning();
      }
      if (!servesRun.test(namespaceId, workflowId)) {
        // Changes are committed on another node now: answer empty (soon, not in a tight loop) so
        // the caller polls again and is routed to that node.
        long wait = Math.max(0, Math.min(1000, deadline - System.currentTimeMillis()));
        scheduler.schedule(
            () -> result.complete(emptyResponse(req)), wait, TimeUnit.MILLISECONDS);
        return;
      }
      // Long poll: wait for the run to change, then look again.
      CompletableFuture<Void> changed = watchers.watch(key);
      // Look again now that the watch is registered, so a commit in between is not missed.
      HistoryWatchers.Seen now = watchers.latest(key);
      boolean moved;
      if (now != null) {
        moved = now.nextEventId() != nextEventId || now.running() != running;
      } else {
        RunPosition again = readPosition(namespaceId, workflowId, key.runId());
        moved = again.nextEventId() != nextEventId || again.isRunning() != running;
      }
      if (moved || !servesRun.test(namespaceId, workflowId)) {
        watchers.forget(key, changed);
        attempt(namespaceId, req, runId, deadline, result);
        return;
      }
      long remaining = deadline - System.currentTimeMillis();
      if (remaining <= 0) {
        watchers.forget(key, changed);
        result.complete(emptyResponse(req));
        return;
      }
      // Looks again at least every few seconds even without a change: in a cluster the shard may
      // have moved away between the checks above and the watch, and then no change comes here.
      var timeout =
          scheduler.schedule(
              () -> changed.complete(null), Math.min(remaining, RECHECK_MILLIS), TimeUnit.MILLISECONDS);
      changed.thenRunAsync(
          () -> {
            timeout.cancel(false);
            watchers.forget(key, changed);
            if (System.currentTimeMillis() >= deadline) {
              result.complete(emptyResponse(req));
            } else {
              // Resolve the run again: with no run id asked for, a retry or continue-as-new has
              // made another run current, and that is the one the caller waits for.
              attempt(namespaceId, req, runId, deadline, result);
            }
          },
          ioPool);
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  /** The close event, or null while the run is open. */
  private GetWorkflowExecutionHistoryResponse closeEvent(
      RunPosition s, GetWorkflowExecutionHistoryRequest req) {
    if (s.isRunning()) {
      return null;
    }
    Page p = page(s.namespaceId(), s.runId(), s.completionEventId(), s.completionEventId(), 1);
    if (p.events().isEmpty()) {
      throw new EngineException(EngineException.Code.INTERNAL, "close event missing from history");
    }
    return GetWorkflowExecutionHistoryResponse.newBuilder()
        .setHistory(History.newBuilder().addEvents(p.events().get(0)))
        .build();
  }

  /** A page from the token's position, or null when a long poll should wait for more. */
  private GetWorkflowExecutionHistoryResponse page(
      RunPosition s, GetWorkflowExecutionHistoryRequest req) {
    long from =
        req.getNextPageToken().isEmpty()
            ? 1
            : HistoryPageTokens.decode(req.getNextPageToken(), false);
    int size = req.getMaximumPageSize() > 0 ? req.getMaximumPageSize() : DEFAULT_PAGE_EVENTS;
    long last = s.nextEventId() - 1;
    if (from > last) {
      if (req.getWaitNewEvent() && s.isRunning()) {
        return null;
      }
      return GetWorkflowExecutionHistoryResponse.getDefaultInstance();
    }
    Page p = page(s.namespaceId(), s.runId(), from, last, size);
    ByteString next = p.nextPageToken();
    if (next.isEmpty() && req.getWaitNewEvent() && s.isRunning()) {
      next = HistoryPageTokens.forward(last + 1); // the caller keeps polling from here
    }
    return GetWorkflowExecutionHistoryResponse.newBuilder()
        .setHistory(History.newBuilder().addAllEvents(p.events()))
        .setNextPageToken(next)
        .build();
  }

  /**
   * GetWorkflowExecutionHistoryReverse: the newest events first, a page at a time; the token
   * holds the id of the newest event of the next page.
   */
  public GetWorkflowExecutionHistoryReverseResponse
      getHistoryReverse(
          String namespaceId,
          GetWorkflowExecutionHistoryReverseRequest req) {
    RunPosition s = readPosition(
        namespaceId, req.getExecution().getWorkflowId(), req.getExecution().getRunId());
    long newest = s.nextEventId() - 1;
    if (!req.getNextPageToken().isEmpty()) {
      newest = Math.min(newest, HistoryPageTokens.decode(req.getNextPageToken(), true));
    }
    var response = GetWorkflowExecutionHistoryReverseResponse.newBuilder();
    if (newest < 1) {
      return response.build();
    }
    int size = req.getMaximumPageSize() > 0 ? req.getMaximumPageSize() : DEFAULT_PAGE_EVENTS;
    long oldest = Math.max(1, newest - size + 1);
    List<HistoryEvent> events = new ArrayList<>(page(s.namespaceId(), s.runId(), oldest, newest,
        (int) (newest - oldest + 1)).events());
    Collections.reverse(events);
    response.setHistory(History.newBuilder().addAllEvents(events));
    if (oldest > 1) {
      response.setNextPageToken(HistoryPageTokens.reverse(oldest - 1));
    }
    return response.build();
  }

  private static GetWorkflowExecutionHistoryResponse emptyResponse(
      GetWorkflowExecutionHistoryRequest req) {
    return GetWorkflowExecutionHistoryResponse.newBuilder()
        .setNextPageToken(req.getNextPageToken())
        .build();
  }
}
