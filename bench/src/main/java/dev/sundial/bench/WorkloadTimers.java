package dev.sundial.bench;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code timers}: the workflow sleeps one durable timer of T ms (Workflow.sleep) and completes.
 * After each workflow's result the client reads its history and takes, on the server's clock
 * (event times), with due = TimerStarted event time + T:
 *
 * <ul>
 *   <li><b>lateness</b> (the headline): the first WorkflowTaskStarted after TimerFired - due, i.e.
 *       how late the worker got the task that resumes the code after the sleep (timer firing plus
 *       workflow task dispatch);
 *   <li><b>fire lateness</b>: TimerFired - due, the timer service alone;
 *   <li><b>workflow overrun</b>: what the workflow itself saw, Workflow.currentTimeMillis() after
 *       the sleep minus before it, minus T. The SDK takes both from WorkflowTaskStarted times, so
 *       this also includes the first workflow task's own run (the timer starts when that task
 *       completes); millisecond resolution.
 * </ul>
 *
 * The main latency is start to result (it includes the T ms sleep). The history read happens
 * after the result, outside the latency, but inside the throughput window.
 */
final class WorkloadTimers extends Workload {

  /** The workflow under load. */
  @WorkflowInterface
  public interface TimerWorkflow {
    String TYPE = "SundialBenchTimer";

    @WorkflowMethod(name = TYPE)
    long run(long sleepMs);
  }

  /** Returns the workflow-observed time across the sleep in ms. */
  public static final class TimerWorkflowImpl implements TimerWorkflow {
    @Override
    public long run(long sleepMs) {
      long before = Workflow.currentTimeMillis();
      Workflow.sleep(Duration.ofMillis(sleepMs));
      return Workflow.currentTimeMillis() - before;
    }
  }

  private final long timerMs;
  private final LatencySummary.Recorder lateness = new LatencySummary.Recorder();
  private final LatencySummary.Recorder fireLateness = new LatencySummary.Recorder();
  private final LatencySummary.Recorder overrun = new LatencySummary.Recorder();

  WorkloadTimers(long timerMs) {
    this.timerMs = timerMs;
  }

  @Override
  void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(TimerWorkflowImpl.class);
  }

  @Override
  String describe() {
    return "one durable timer of " + timerMs + " ms per workflow";
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    long start = System.nanoTime();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            TimerWorkflow.TYPE, options(i, Duration.ofMillis(timerMs)));
    stub.start(timerMs);
    Long observed = stub.getResult(remaining(deadlineNanos), TimeUnit.NANOSECONDS, Long.class);
    long latency = System.nanoTime() - start;
    if (observed == null || observed < timerMs) {
      throw new WrongResult("workflow woke before its timer was due");
    }
    overrun.add(TimeUnit.MILLISECONDS.toNanos(observed - timerMs));
    recordFromHistory(stub.getExecution().getWorkflowId());
    return latency;
  }

  private void recordFromHistory(String workflowId) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    HistoryEvent started = null;
    HistoryEvent fired = null;
    HistoryEvent resumed = null;
    for (HistoryEvent e : events) {
      EventType type = e.getEventType();
      if (type == EventType.EVENT_TYPE_TIMER_STARTED) {
        started = e;
      } else if (type == EventType.EVENT_TYPE_TIMER_FIRED) {
        fired = e;
      } else if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
          && fired != null
          && resumed == null) {
        resumed = e;
      }
    }
    if (started == null || fired == null || resumed == null) {
      throw new WrongResult("history lacks TimerStarted, TimerFired or a later task start");
    }
    var timeout = started.getTimerStartedEventAttributes().getStartToFireTimeout();
    long due =
        nanos(started.getEventTime()) + timeout.getSeconds() * 1_000_000_000L + timeout.getNanos();
    fireLateness.add(nanos(fired.getEventTime()) - due);
    lateness.add(nanos(resumed.getEventTime()) - due);
  }

  private static long nanos(Timestamp t) {
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }

  @Override
  void report(PrintWriter out) {
    printLatency(out, "Timer lateness (due to resuming task start)", lateness.summary());
    printLatency(out, "Timer fire lateness (due to TimerFired)", fireLateness.summary());
    printLatency(out, "Workflow-observed sleep overrun", overrun.summary());
  }

  @Override
  void json(Map<String, Object> fields) {
    fields.put("timer_ms", timerMs);
    putLatency(fields, "lateness", lateness.summary());
    putLatency(fields, "fire_lateness", fireLateness.summary());
    putLatency(fields, "overrun", overrun.summary());
  }
}
