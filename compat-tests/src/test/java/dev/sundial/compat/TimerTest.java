package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Durable timers: they fire no earlier than asked, and a cancelled one is recorded as such. */
class TimerTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface SleepWorkflow {
    /** Sleeps and returns the workflow-clock time that passed, in milliseconds. */
    @WorkflowMethod
    long run(long sleepMillis);
  }

  public static class SleepWorkflowImpl implements SleepWorkflow {
    @Override
    public long run(long sleepMillis) {
      long before = Workflow.currentTimeMillis();
      Workflow.sleep(Duration.ofMillis(sleepMillis));
      return Workflow.currentTimeMillis() - before;
    }
  }

  @WorkflowInterface
  public interface CancelTimerWorkflow {
    @WorkflowMethod
    String run();
  }

  public static class CancelTimerWorkflowImpl implements CancelTimerWorkflow {
    private Promise<Void> longTimer;

    @Override
    public String run() {
      CancellationScope scope =
          Workflow.newCancellationScope(() -> longTimer = Workflow.newTimer(Duration.ofHours(1)));
      scope.run();
      // A short timer makes the long one's StartTimer command reach the server first.
      Workflow.sleep(Duration.ofMillis(200));
      scope.cancel();
      try {
        longTimer.get();
        return "long timer fired";
      } catch (CanceledFailure e) {
        return "long timer cancelled";
      }
    }
  }

  @Test
  void sleepTakesAtLeastItsDuration() {
    sundial.worker().registerWorkflowImplementationTypes(SleepWorkflowImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("sleep");
    SleepWorkflow wf = sundial.newWorkflowStub(SleepWorkflow.class, id);
    long start = System.nanoTime();
    long workflowElapsed = wf.run(1000);
    long wallElapsed = (System.nanoTime() - start) / 1_000_000;

    assertThat(wallElapsed).as("wall-clock time of the workflow").isGreaterThanOrEqualTo(1000);
    assertThat(workflowElapsed)
        .as("workflow-clock time across the sleep")
        .isGreaterThanOrEqualTo(1000);
    assertThat(wallElapsed).as("the timer fires promptly").isLessThan(30_000);

    List<HistoryEvent> history = sundial.history(id, null);
    List<HistoryEvent> started = eventsOfType(history, EVENT_TYPE_TIMER_STARTED);
    List<HistoryEvent> fired = eventsOfType(history, EVENT_TYPE_TIMER_FIRED);
    assertThat(started).hasSize(1);
    assertThat(fired).hasSize(1);
    var startedAttrs = started.get(0).getTimerStartedEventAttributes();
    var firedAttrs = fired.get(0).getTimerFiredEventAttributes();
    assertThat(startedAttrs.getStartToFireTimeout().getSeconds()).isEqualTo(1);
    assertThat(firedAttrs.getTimerId()).isEqualTo(startedAttrs.getTimerId());
    assertThat(firedAttrs.getStartedEventId()).isEqualTo(started.get(0).getEventId());
    long firedAfter =
        Timestamps.toMillis(fired.get(0).getEventTime())
            - Timestamps.toMillis(started.get(0).getEventTime());
    assertThat(firedAfter).as("TimerFired time - TimerStarted time").isGreaterThanOrEqualTo(1000);
  }

  @Test
  void cancelledTimer() {
    sundial.worker().registerWorkflowImplementationTypes(CancelTimerWorkflowImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("cancel-timer");
    CancelTimerWorkflow wf = sundial.newWorkflowStub(CancelTimerWorkflow.class, id);
    long start = System.nanoTime();
    assertThat(wf.run()).isEqualTo("long timer cancelled");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(30_000);

    List<HistoryEvent> history = sundial.history(id, null);
    List<HistoryEvent> started = eventsOfType(history, EVENT_TYPE_TIMER_STARTED);
    assertThat(started).hasSize(2);
    HistoryEvent longStarted =
        started.stream()
            .filter(
                e ->
                    e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds() == 3600)
            .findFirst()
            .orElseThrow();
    List<HistoryEvent> fired = eventsOfType(history, EVENT_TYPE_TIMER_FIRED);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).getTimerFiredEventAttributes().getTimerId())
        .isNotEqualTo(longStarted.getTimerStartedEventAttributes().getTimerId());
    List<HistoryEvent> cancelled = eventsOfType(history, EVENT_TYPE_TIMER_CANCELED);
    assertThat(cancelled).hasSize(1);
    var cancelledAttrs = cancelled.get(0).getTimerCanceledEventAttributes();
    assertThat(cancelledAttrs.getTimerId())
        .isEqualTo(longStarted.getTimerStartedEventAttributes().getTimerId());
    assertThat(cancelledAttrs.getStartedEventId()).isEqualTo(longStarted.getEventId());
    assertThat(cancelled.get(0).getEventId()).isGreaterThan(fired.get(0).getEventId());
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }
}
