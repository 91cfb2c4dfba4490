package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventTypes;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WorkflowOptions.setStartDelay: the first workflow task waits; what a signal does meanwhile. */
class StartDelayTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface Delayed {
    /** Returns the workflow-clock time of its first task and the signals seen by then. */
    @WorkflowMethod
    String run();

    @SignalMethod
    void add(String value);
  }

  public static class DelayedImpl implements Delayed {
    private final List<String> received = new ArrayList<>();

    @Override
    public String run() {
      return Workflow.currentTimeMillis() + "|" + String.join(",", received);
    }

    @Override
    public void add(String value) {
      received.add(value);
    }
  }

  private static String result(WorkflowStub stub) {
    try {
      return stub.getResult(60, TimeUnit.SECONDS, String.class);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 60 s", e);
    }
  }

  private static long millis(Timestamp t) {
    return Timestamps.toMillis(t);
  }

  private Delayed delayedStub(String id, Duration delay) {
    return sundial
        .client()
        .newWorkflowStub(Delayed.class, sundial.workflowOptions(id).setStartDelay(delay).build());
  }

  @Test
  void firstWorkflowTaskWaitsForTheStartDelay() {
    sundial.worker().registerWorkflowImplementationTypes(DelayedImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("start-delay");
    Delayed wf = delayedStub(id, Duration.ofSeconds(2));
    long before = System.currentTimeMillis();
    String runId = WorkflowClient.start(wf::run).getRunId();

    // During the delay: running, execution time = start time + delay, no workflow task yet.
    var info = sundial.describe(id, runId).getWorkflowExecutionInfo();
    assertThat(info.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(millis(info.getExecutionTime()) - millis(info.getStartTime())).isEqualTo(2000L);
    List<HistoryEvent> early = sundial.history(id, runId);
    assertThat(eventTypes(early)).containsExactly(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(
            Durations.toMillis(
                early.get(0).getWorkflowExecutionStartedEventAttributes()
                    .getFirstWorkflowTaskBackoff()))
        .isEqualTo(2000L);

    String result = result(WorkflowStub.fromTyped(wf));
    long workflowTime = Long.parseLong(result.substring(0, result.indexOf('|')));
    assertThat(System.currentTimeMillis() - before).isGreaterThanOrEqualTo(2000L);
    assertThat(workflowTime - millis(info.getStartTime())).isGreaterThanOrEqualTo(2000L);

    List<HistoryEvent> history = sundial.history(id, runId);
    HistoryEvent scheduled = eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED).get(0);
    HistoryEvent started = eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_STARTED).get(0);
    assertThat(scheduled.getEventId()).isEqualTo(2);
    assertThat(millis(scheduled.getEventTime()) - millis(history.get(0).getEventTime()))
        .isGreaterThanOrEqualTo(2000L);
    assertThat(millis(started.getEventTime()) - millis(history.get(0).getEventTime()))
        .isGreaterThanOrEqualTo(2000L);
    // Describe keeps reporting the execution time after the run.
    var after = sundial.describe(id, runId).getWorkflowExecutionInfo();
    assertThat(after.getExecutionTime()).isEqualTo(info.getExecutionTime());
  }

  @Test
  void aSignalDoesNotCutTheDelayShort() {
    sundial.worker().registerWorkflowImplementationTypes(DelayedImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("start-delay-signal");
    Delayed wf = delayedStub(id, Duration.ofSeconds(3));
    long before = System.currentTimeMillis();
    String runId = WorkflowClient.start(wf::run).getRunId();
    sundial.client().newUntypedWorkflowStub(id).signal("add", "early");

    // The signal is recorded but schedules no workflow task (SignalWorkflowExecution does not
    // unblock a delayed start in Temporal).
    List<HistoryEvent> early = sundial.history(id, runId);
    assertThat(eventTypes(early))
        .containsExactly(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);

    String result = result(WorkflowStub.fromTyped(wf));
    assertThat(result).endsWith("|early");
    assertThat(System.currentTimeMillis() - before).isGreaterThanOrEqualTo(3000L);
    List<HistoryEvent> history = sundial.history(id, runId);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)).hasSize(1);
    HistoryEvent scheduled = eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED).get(0);
    assertThat(millis(scheduled.getEventTime()) - millis(history.get(0).getEventTime()))
        .isGreaterThanOrEqualTo(3000L);
  }

  @Test
  void signalWithStartOnADelayedWorkflowDispatchesAtOnce() {
    sundial.worker().registerWorkflowImplementationTypes(DelayedImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("start-delay-sws");
    // The first SignalWithStart creates the workflow with a long delay and keeps it.
    Delayed first = delayedStub(id, Duration.ofMinutes(10));
    String runId =
        WorkflowStub.fromTyped(first)
            .signalWithStart("add", new Object[] {"one"}, new Object[] {})
            .getRunId();
    assertThat(eventTypes(sundial.history(id, runId)))
        .containsExactly(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);

    // A second SignalWithStart makes the workflow task available right away.
    long before = System.nanoTime();
    Delayed second = delayedStub(id, Duration.ofMinutes(10));
    String again =
        WorkflowStub.fromTyped(second)
            .signalWithStart("add", new Object[] {"two"}, new Object[] {})
            .getRunId();
    assertThat(again).isEqualTo(runId);
    assertThat(result(sundial.client().newUntypedWorkflowStub(id))).endsWith("|one,two");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - before)).isLessThan(60);
  }
}
