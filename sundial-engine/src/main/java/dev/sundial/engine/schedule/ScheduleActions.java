package dev.sundial.engine.schedule;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.schedule.spec.CompiledSpec;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actions of a schedule pass: the workflows it starts (scheduled, triggered and backfilled
 * starts the overlap policy lets go now) and the running ones the policy terminates or cancels,
 * all through the run's executor ({@link RunRouter}), waited for before the pass writes its row.
 */
final class ScheduleActions {
  private static final Logger log = LoggerFactory.getLogger(ScheduleActions.class);
  private static final long ENGINE_WAIT_SECONDS = 30;

  private final RunRouter runRouter;
  private final NamespaceRegistry namespaces;
  private final Clock clock;
  private final RunStatusReader runs;
  /**
   * When each schedule last expanded backfilled starts. Any pass may run (a describe runs one),
   * but backfill advances at most once per BACKFILL_INTERVAL_MS: a bounded rate. In memory only:
   * after a restart the first pass may expand at once.
   */
  private final Map<ScheduleService.Key, Long> lastBackfill = new ConcurrentHashMap<>();

  ScheduleActions(
      RunRouter runRouter, NamespaceRegistry namespaces, Clock clock, RunStatusReader runs) {
    this.runRouter = runRouter;
    this.namespaces = namespaces;
    this.clock = clock;
    this.runs = runs;
  }

  /** Takes the actions the buffer and overlap policy allow now. */
  void act(ScheduleState s, CompiledSpec spec, Map<String, String> currentRuns) {
    String namespaceName = namespaces.byId(s.namespaceId).name();
    ScheduleService.Key key = new ScheduleService.Key(s.namespaceId, s.scheduleId);
    if (s.backfills.isEmpty()) {
      lastBackfill.remove(key);
    } else {
      long now = clock.millis();
      Long last = lastBackfill.get(key);
      if (last == null || now - last >= ScheduleLogic.BACKFILL_INTERVAL_MS) {
        ScheduleLogic.expandBackfills(s, spec);
        lastBackfill.put(key, now);
      }
    }
    for (int round = 0; round < 4; round++) {
      ScheduleLogic.Decision d = ScheduleLogic.takeFromBuffer(s, !s.running.isEmpty());
      List<ScheduleState.BufferedStart> starts = new ArrayList<>(d.overlapping);
      if (d.single != null) starts.add(d.single);
      for (ScheduleState.BufferedStart start : starts) {
        if (!ScheduleLogic.canTakeAction(s, start.manual(), true)) {
          continue; // paused or out of actions meanwhile: dropped, as Temporal does
        }
        var request = ScheduleLogic.startRequest(s, start, namespaceName);
        String runId;
        try {
          runId =
              await(runRouter.run(s.namespaceId, request.getWorkflowId())
                      .start(s.namespaceId, request))
                  .getRunId();
        } catch (WorkflowAlreadyStartedException e) {
          log.warn("schedule {}/{}: workflow {} already exists, action skipped",
              namespaceName, s.scheduleId, request.getWorkflowId());
          continue;
        }
        boolean track = start == d.single;
        ScheduleLogic.recordAction(s, start, request.getWorkflowId(), runId, clock.millis(), track);
        if (track) currentRuns.put(request.getWorkflowId(), runId);
      }
      boolean retry = false;
      if (d.terminateRunning || d.cancelRunning) {
        for (var ex : List.copyOf(s.running)) {
          try {
            if (d.terminateRunning) {
              await(runRouter.run(s.namespaceId, ex.getWorkflowId()).terminate(
                  s.namespaceId, ex.getWorkflowId(), "", "",
                  "terminated by schedule overlap policy", null, "sundial-scheduler"));
            } else {
              await(runRouter.run(s.namespaceId, ex.getWorkflowId()).requestCancel(
                  s.namespaceId,
                  RequestCancelWorkflowExecutionRequest.newBuilder()
                      .setNamespace(namespaceName)
                      .setWorkflowExecution(WorkflowExecution.newBuilder()
                          .setWorkflowId(ex.getWorkflowId()))
                      .setFirstExecutionRunId(ex.getRunId())
                      .setRequestId(UUID.nameUUIDFromBytes((s.incarnation + "/cancel/"
                          + ex.getRunId()).getBytes(StandardCharsets.UTF_8)).toString())
                      .setIdentity("sundial-scheduler")
                      .setReason("cancelled by schedule overlap policy")
                      .build()));
            }
          } catch (EngineException e) {
            log.debug("overlap policy could not stop {}: {}", ex.getWorkflowId(), e.getMessage());
          }
        }
        if (d.terminateRunning) {
          currentRuns.clear();
          currentRuns.putAll(runs.refresh(s)); // terminated at once: the buffered start may go now
          retry = s.running.isEmpty() && !s.buffer.isEmpty();
        }
      }
      if (!retry) {
        break; // more backfill waits for the next pass (BACKFILL_INTERVAL_MS): a bounded rate
      }
    }
  }


  /** Waits for an engine future, unwrapping its failure. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(ENGINE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof RuntimeException re) throw re;
      throw new IllegalStateException(c);
    } catch (TimeoutException e) {
      throw EngineException.unavailable("the engine did not answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EngineException.unavailable("interrupted");
    }
  }
}
