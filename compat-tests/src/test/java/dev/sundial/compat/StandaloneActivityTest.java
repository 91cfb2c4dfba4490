package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DeleteActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.client.ActivityAlreadyStartedException;
import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityExecutionMetadata;
import io.temporal.client.ActivityFailedException;
import io.temporal.client.ActivityHandle;
import io.temporal.client.StartActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Standalone activity executions through the Java SDK's ActivityClient. */
class StandaloneActivityTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @ActivityInterface
  public interface Greeter {
    String greet(String name);
  }

  @ActivityInterface
  public interface Waiter {
    String waitForCancel();
  }

  public static class WaiterImpl implements Waiter {
    @Override
    public String waitForCancel() {
      var ctx = Activity.getExecutionContext();
      for (;;) {
        ctx.heartbeat("waiting"); // throws once the activity is asked to cancel
        try {
          Thread.sleep(100); // an activity's own pacing, not a test waiting on a condition
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
    }
  }

  @ActivityInterface
  public interface Flaky {
    String attempts();
  }

  public static class FlakyImpl implements Flaky {
    @Override
    public String attempts() {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (attempt < 3) {
        throw ApplicationFailure.newFailure("attempt " + attempt + " failed", "Flaky");
      }
      return "succeeded on attempt " + attempt;
    }
  }

  @ActivityInterface
  public interface Stalling {
    String stall();
  }

  /** Heartbeats once, then stops heartbeating for longer than the heartbeat timeout. */
  public static class StallingImpl implements Stalling {
    @Override
    public String stall() {
      Activity.getExecutionContext().heartbeat("progress-1");
      try {
        Thread.sleep(2_500); // the stall under test, longer than the 1 s heartbeat timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "should have timed out";
    }
  }

  @ActivityInterface
  public interface Resuming {
    String resume();
  }

  /** The first attempt records its progress and fails; the second reads it back. */
  public static class ResumingImpl implements Resuming {
    @Override
    public String resume() {
      var ctx = Activity.getExecutionContext();
      if (ctx.getInfo().getAttempt() == 1) {
        ctx.heartbeat("step-7");
        throw ApplicationFailure.newFailure("first attempt fails", "Resuming");
      }
      return "resumed from " + ctx.getHeartbeatDetails(String.class).orElse("nothing");
    }
  }

  @ActivityInterface
  public interface Clock {
    long scheduledAt();
  }

  public static class ClockImpl implements Clock {
    @Override
    public long scheduledAt() {
      return Activity.getExecutionContext().getInfo().getCurrentAttemptScheduledTimestamp();
    }
  }

  public static class GreeterImpl implements Greeter {
    @Override
    public String greet(String name) {
      return "Hello, " + name + "!";
    }
  }

  @Test
  void anActivityStartedOnItsOwnRunsAndReturnsItsResult() {
    sundial.worker().registerActivitiesImplementations(new GreeterImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    String result =
        client.execute(
            Greeter.class, Greeter::greet,
            StartActivityOptions.newBuilder()
                .setId("greet-1")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .build(),
            "standalone");
    assertThat(result).isEqualTo("Hello, standalone!");
  }

  @Test
  void aCancelledActivityEndsCancelled() {
    sundial.worker().registerActivitiesImplementations(new WaiterImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    ActivityHandle<String> handle =
        client.start(
            Waiter.class, Waiter::waitForCancel,
            StartActivityOptions.newBuilder()
                .setId("wait-1")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setHeartbeatTimeout(Duration.ofSeconds(5))
                .build());
    handle.cancel("no longer needed");
    assertThatThrownBy(handle::getResult)
        .isInstanceOf(ActivityFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
  }

  @Test
  void aTerminatedActivityEndsAtOnce() {
    // No worker: the activity waits on its queue until terminated.
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    ActivityHandle<String> handle =
        client.start(
            Greeter.class, Greeter::greet,
            StartActivityOptions.newBuilder()
                .setId("nobody-runs-it")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .build(),
            "x");
    var running = handle.describe().getRawInfo();
    assertThat(running.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(running.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    assertThat(running.getActivityType().getName()).isEqualTo("Greet");
    assertThat(running.getTaskQueue()).isEqualTo(sundial.taskQueue());
    assertThat(running.getRunId()).isEqualTo(handle.getActivityRunId());
    handle.terminate("stopped by the test");
    assertThatThrownBy(handle::getResult)
        .isInstanceOf(ActivityFailedException.class)
        .cause()
        .isInstanceOf(TerminatedFailure.class)
        .hasMessageContaining("stopped by the test");
    assertThat(handle.describe().getRawInfo().getStatus())
        .isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void activityExecutionsAreListedAndCountedApartFromWorkflows() {
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    StartActivityOptions.Builder options =
        StartActivityOptions.newBuilder()
            .setTaskQueue(sundial.taskQueue() + "-nobody")
            .setStartToCloseTimeout(Duration.ofSeconds(10));
    client.start(Greeter.class, Greeter::greet, options.setId("listed-1").build(), "a");
    client.start(Greeter.class, Greeter::greet, options.setId("listed-2").build(), "b");
    var listed =
        client.listExecutions("TaskQueue = '" + sundial.taskQueue() + "-nobody'")
            .map(m -> m.getActivityId() + ":" + m.getActivityType() + ":" + m.getStatus())
            .sorted()
            .toList();
    assertThat(listed)
        .containsExactly(
            "listed-1:Greet:ACTIVITY_EXECUTION_STATUS_RUNNING",
            "listed-2:Greet:ACTIVITY_EXECUTION_STATUS_RUNNING");
    assertThat(client.countExecutions("TaskQueue = '" + sundial.taskQueue() + "-nobody'").getCount())
        .isEqualTo(2);
    // Workflow lists do not show them.
    assertThat(sundial.client().listExecutions("TaskQueue = '" + sundial.taskQueue() + "-nobody'"))
        .isEmpty();
  }

  @Test
  void anIdInUseIsRefusedAndADeletedActivityIsGone() {
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    StartActivityOptions options =
        StartActivityOptions.newBuilder()
            .setId("only-once")
            .setTaskQueue(sundial.taskQueue() + "-nobody")
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .build();
    ActivityHandle<String> first = client.start(Greeter.class, Greeter::greet, options, "a");
    assertThatThrownBy(() -> client.start(Greeter.class, Greeter::greet, options, "b"))
        .isInstanceOf(ActivityAlreadyStartedException.class);
    first.terminate("done");
    sundial.blockingStub().deleteActivityExecution(DeleteActivityExecutionRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE).setActivityId("only-once").build());
    CompatServer.await(Duration.ofSeconds(30), "the activity to be deleted", () -> {
      try {
        first.describe();
        return false;
      } catch (RuntimeException e) {
        return true;
      }
    });
  }

  @Test
  void aFailingActivityIsRetriedByItsPolicy() {
    sundial.worker().registerActivitiesImplementations(new FlakyImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    String result =
        client.execute(
            Flaky.class, Flaky::attempts,
            StartActivityOptions.newBuilder()
                .setId("flaky-1")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(100)).setBackoffCoefficient(1).build())
                .build());
    assertThat(result).isEqualTo("succeeded on attempt 3");
  }

  @Test
  void aWorkflowIdMayNotUseTheReservedPrefix() {
    var e = CompatServer.expectStatus(() -> sundial.blockingStub().describeWorkflowExecution(
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setExecution(CompatServer.execution("\u001Factivity\u001Fgreet-1", ""))
            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void anActivityNobodyRunsTimesOut() {
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    ActivityHandle<String> handle =
        client.start(
            Greeter.class, Greeter::greet,
            StartActivityOptions.newBuilder()
                .setId("times-out")
                .setTaskQueue(sundial.taskQueue() + "-nobody")
                .setScheduleToCloseTimeout(Duration.ofSeconds(1))
                .build(),
            "x");
    assertThatThrownBy(handle::getResult)
        .isInstanceOf(ActivityFailedException.class)
        .hasCauseInstanceOf(io.temporal.failure.TimeoutFailure.class);
    assertThat(handle.describe().getRawInfo().getStatus())
        .isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT);
  }

  @Test
  void aStalledHeartbeatTimesOutWithTheLastDetails() {
    sundial.worker().registerActivitiesImplementations(new StallingImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    ActivityHandle<String> handle =
        client.start(
            Stalling.class, Stalling::stall,
            StartActivityOptions.newBuilder()
                .setId("stalls")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    Throwable t = catchThrowable(handle::getResult);
    assertThat(t).isInstanceOf(ActivityFailedException.class);
    assertThat(t.getCause()).isInstanceOf(TimeoutFailure.class);
    TimeoutFailure timeout = (TimeoutFailure) t.getCause();
    assertThat(timeout.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(timeout.getLastHeartbeatDetails().get(String.class)).isEqualTo("progress-1");
    assertThat(handle.describe().getRawInfo().getStatus())
        .isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT);
  }

  @Test
  void heartbeatDetailsReachTheNextAttempt() {
    sundial.worker().registerActivitiesImplementations(new ResumingImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    String result =
        client.execute(
            Resuming.class, Resuming::resume,
            StartActivityOptions.newBuilder()
                .setId("resumes")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(100)).build())
                .build());
    assertThat(result).isEqualTo("resumed from step-7");
  }

  @Test
  void idReuseAndConflictPoliciesAreApplied() {
    sundial.worker().registerActivitiesImplementations(new GreeterImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    StartActivityOptions.Builder options =
        StartActivityOptions.newBuilder()
            .setId("reused")
            .setTaskQueue(sundial.taskQueue())
            .setStartToCloseTimeout(Duration.ofSeconds(10));
    ActivityHandle<String> first = client.start(Greeter.class, Greeter::greet, options.build(), "one");
    assertThat(first.getResult()).isEqualTo("Hello, one!");

    // A closed activity's id is refused under REJECT_DUPLICATE...
    assertThatThrownBy(() -> client.start(Greeter.class, Greeter::greet,
            options.setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build(), "two"))
        .isInstanceOf(ActivityAlreadyStartedException.class);
    // ... and reused by default, as a new run.
    ActivityHandle<String> second = client.start(Greeter.class, Greeter::greet,
        options.setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .build(), "two");
    assertThat(second.getActivityRunId()).isNotEqualTo(first.getActivityRunId());
    assertThat(second.getResult()).isEqualTo("Hello, two!");

    // A running activity's id under USE_EXISTING answers that run.
    StartActivityOptions.Builder waiting = options.setId("reused-running")
        .setTaskQueue(sundial.taskQueue() + "-nobody");
    ActivityHandle<String> running = client.start(Greeter.class, Greeter::greet, waiting.build(), "a");
    ActivityHandle<String> existing = client.start(Greeter.class, Greeter::greet,
        waiting.setIdConflictPolicy(ActivityIdConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_USE_EXISTING)
            .build(), "b");
    assertThat(existing.getActivityRunId()).isEqualTo(running.getActivityRunId());
  }

  @Test
  void listQueriesNameTheActivitysFields() {
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    StartActivityOptions.Builder options =
        StartActivityOptions.newBuilder()
            .setTaskQueue(sundial.taskQueue() + "-nobody")
            .setStartToCloseTimeout(Duration.ofSeconds(10));
    client.start(Greeter.class, Greeter::greet, options.setId("query-me").build(), "a");
    client.start(Greeter.class, Greeter::greet, options.setId("query-other").build(), "b")
        .terminate("closed for the test");
    assertThat(client.listExecutions("ActivityId = 'query-me'")
            .map(ActivityExecutionMetadata::getActivityId).toList())
        .containsExactly("query-me");
    assertThat(client.listExecutions("ActivityId STARTS_WITH 'query-' AND ExecutionStatus = 'Running'")
            .map(ActivityExecutionMetadata::getActivityId).toList())
        .containsExactly("query-me");
    assertThat(client.countExecutions(
            "ActivityType = 'Greet' AND ActivityId IN ('query-me', 'query-other')").getCount())
        .isEqualTo(2);
    assertThat(grpcStatus(catchThrowable(() -> client.countExecutions("ActivityId = "))).getCode())
        .isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aStartDelayHoldsTheFirstAttemptBack() {
    sundial.worker().registerActivitiesImplementations(new ClockImpl());
    sundial.startWorkers();
    ActivityClient client = ActivityClient.newInstance(sundial.stubs());
    ActivityHandle<Long> handle =
        client.start(
            Clock.class, Clock::scheduledAt,
            StartActivityOptions.newBuilder()
                .setId("delayed")
                .setTaskQueue(sundial.taskQueue())
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setStartDelay(Duration.ofSeconds(1))
                .setSummary("delayed by a second")
                .build());
    var info = handle.describe().getRawInfo();
    long scheduled = com.google.protobuf.util.Timestamps.toMillis(info.getScheduleTime());
    assertThat(info.getUserMetadata().getSummary().getData().toStringUtf8())
        .contains("delayed by a second");
    assertThat(handle.getResult()).isGreaterThanOrEqualTo(scheduled + 1_000);
  }

  @Test
  void anActivityWithoutATimeoutIsRefused() {
    // The SDK checks this itself; other clients reach the server's check.
    var e = CompatServer.expectStatus(() -> sundial.blockingStub().startActivityExecution(
        StartActivityExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setActivityId("no-timeout")
            .setActivityType(ActivityType.newBuilder().setName("Greet"))
            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
            .setScheduleToStartTimeout(com.google.protobuf.util.Durations.fromSeconds(5))
            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .contains("StartToCloseTimeout or ScheduleToCloseTimeout must be set");
  }

  /** The gRPC status under the SDK's exception. */
  private static io.grpc.Status grpcStatus(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof io.grpc.StatusRuntimeException e) return e.getStatus();
    }
    throw new AssertionError("no gRPC status under " + t, t);
  }
}
