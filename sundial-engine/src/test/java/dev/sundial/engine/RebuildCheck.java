package dev.sundial.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.history.replay.HistoryReplay;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.ChildInfo;
import dev.sundial.engine.state.ExternalRequest;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.MutableStateCodec;
import dev.sundial.engine.state.TimerInfo;
import dev.sundial.engine.state.WorkflowTaskInfo;
import dev.sundial.engine.visibility.SearchAttributeState;
import dev.sundial.persistence.ExecutionRecord;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.visibility.VisibilityPage;
import dev.sundial.persistence.visibility.VisibilityQuery;
import dev.sundial.persistence.visibility.VisibilityStore;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The property that keeps the live path and rebuilding from drifting apart: every stored run's
 * state equals the state rebuilt from its stored history (and the events buffered behind its
 * started workflow task) on everything history determines. The harness checks it for every run
 * an engine test leaves behind.
 */
public final class RebuildCheck {
  private RebuildCheck() {}

  /** Checks every run of every namespace of {@code store}; returns how many were checked. */
  public static int assertEveryRunRebuilds(Store store) {
    List<String> namespaceIds = new ArrayList<>();
    new NamespaceRegistry(store).list().forEach(n -> namespaceIds.add(n.id()));
    return assertEveryRunRebuilds(store, store.visibility(), namespaceIds);
  }

  /** Checks every run of the given namespaces; returns how many were checked. */
  static int assertEveryRunRebuilds(
      Store store, VisibilityStore visibility, List<String> namespaceIds) {
    int checked = 0;
    for (String nsId : namespaceIds) {
      byte[] token = null;
      do {
        VisibilityPage page = visibility.list(nsId, new VisibilityQuery(null, List.of()), 500, token);
        for (byte[] row : page.executions()) {
          WorkflowExecutionInfo info = parse(row);
          String workflowId = info.getExecution().getWorkflowId();
          String runId = info.getExecution().getRunId();
          Optional<ExecutionRecord> rec = store.getExecution(nsId, workflowId, runId);
          if (rec.isEmpty()) {
            continue; // deleted meanwhile (retention)
          }
          MutableState live = MutableStateCodec.decode(rec.get().state(), rec.get().dbVersion());
          MutableState rebuilt =
              HistoryReplay.rebuild(nsId, workflowId, runId, history(store, nsId, runId));
          for (HistoryEvent e : live.bufferedEvents) {
            HistoryReplay.apply(rebuilt, e);
          }
          assertThat(projection(rebuilt, live))
              .as("state of %s run %s rebuilt from its history", workflowId, runId)
              .isEqualTo(projection(live, live));
          checked++;
        }
        token = page.nextPageToken();
      } while (token != null);
    }
    return checked;
  }

  private static List<HistoryEvent> history(Store store, String nsId, String runId) {
    List<HistoryEvent> events = new ArrayList<>();
    for (HistoryBatch b : store.readHistory(nsId, runId, 1, Integer.MAX_VALUE)) {
      try {
        events.addAll(History.parseFrom(b.events()).getEventsList());
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return events;
  }

  private static WorkflowExecutionInfo parse(byte[] row) {
    try {
      return WorkflowExecutionInfo.parseFrom(row);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * What history determines of {@code s}. Left out: attempt-level facts (a pending activity's
   * current attempt, heartbeats, a transient workflow task), outbox row and timer ids, request ids
   * kept for deduplication, the sticky queue, and reset links. A reset run starts its clock and
   * its pending activities' deadlines at the reset, so those times are left out for it ({@code
   * live} says which run is a reset run).
   */
  private static Map<String, Object> projection(MutableState s, MutableState live) {
    boolean resetRun = live.reset.isResetRun();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("started", s.started);
    p.put("firstExecutionRunId", s.firstExecutionRunId);
    p.put("status", s.status);
    p.put("closeTime", s.closeTime);
    p.put("completionEventId", s.completionEventId);
    p.put("newRunId", s.newRunId);
    p.put("nextEventId", s.nextEventId);
    p.put("historySizeBytes", s.historySizeBytes);
    p.put("lastCompletedStartedEventId", s.lastCompletedStartedEventId);
    p.put("cancelRequested", s.cancelRequested);
    p.put("searchAttributes", SearchAttributeState.searchAttributes(s));
    p.put("memo", SearchAttributeState.memo(s));
    p.put("autoResetPoints", s.reset.autoResetPoints);
    if (!resetRun) {
      p.put("startTime", s.startTime);
      p.put("executionTime", s.executionTime);
      p.put("runExpirationTime", s.runExpirationTime);
      p.put("executionExpirationTime", s.executionExpirationTime);
      p.put("originalStartTime", s.reset.originalStartTime);
    }
    if (live.isRunning() && !live.workflowTask.transientTask) {
      WorkflowTaskInfo wt = s.workflowTask;
      p.put("wt.scheduledEventId", wt.scheduledEventId);
      p.put("wt.startedEventId", wt.startedEventId);
      if (wt.isScheduled()) {
        p.put("wt.attempt", wt.attempt);
        p.put("wt.taskQueue", wt.taskQueue);
        p.put("wt.sticky", wt.sticky);
        p.put("wt.scheduledTime", wt.scheduledTime);
      }
      if (wt.isStarted()) {
        p.put("wt.startedTime", wt.startedTime);
        p.put("wt.identity", wt.identity);
        p.put("wt.requestId", wt.requestId);
        p.put("wt.suggestContinueAsNew", wt.suggestContinueAsNew);
      }
    }
    for (ActivityInfo a : s.activities.values()) {
      String k = "activity " + a.scheduledEventId + ".";
      p.put(k + "scheduled", a.scheduled);
      p.put(k + "cancelRequested", a.cancelRequested);
      p.put(k + "cancelRequestedEventId", a.cancelRequestedEventId);
      if (!resetRun) {
        p.put(k + "firstScheduledTime", a.firstScheduledTime);
        p.put(k + "expirationTime", a.expirationTime);
      }
    }
    for (TimerInfo t : s.timers.values()) {
      p.put("timer " + t.timerId, t.startedEventId + " fires " + t.fireTime);
    }
    for (ChildInfo c : s.children.values()) {
      String k = "child " + c.initiatedEventId + ".";
      p.put(k + "initiated", c.initiated);
      p.put(k + "startedEventId", c.startedEventId);
      p.put(k + "runId", c.runId);
    }
    for (ExternalRequest r : s.externalRequests.values()) {
      String k = "external " + r.initiatedEventId + ".";
      p.put(k + "signal", r.signal);
      p.put(k + "cancel", r.cancel);
    }
    s.updates.forEach(
        (id, r) -> p.put("update " + id, r.acceptedEventId + "/" + r.completedEventId));
    return p;
  }
}
