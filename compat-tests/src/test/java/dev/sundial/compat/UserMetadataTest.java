package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The summaries and details SDKs attach (user metadata) are kept where Temporal keeps them: on
 * the started event (start, signal-with-start, child start) and in describe's execution config,
 * and on the event each command writes (activity scheduled, timer started, child initiated,
 * local activity marker).
 */
class UserMetadataTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface Annotated {
    @WorkflowMethod
    String run(boolean parent);

    @SignalMethod
    void poke();
  }

  @ActivityInterface
  public interface Echo {
    String echo(String s);
  }

  public static class EchoImpl implements Echo {
    @Override
    public String echo(String s) {
      return s;
    }
  }

  public static class AnnotatedImpl implements Annotated {
    @Override
    public String run(boolean parent) {
      if (!parent) {
        return "child";
      }
      Echo remote =
          Workflow.newActivityStub(
              Echo.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(10))
                  .setSummary("remote echo")
                  .build());
      Echo local =
          Workflow.newLocalActivityStub(
              Echo.class,
              LocalActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(10))
                  .setSummary("local echo")
                  .build());
      Workflow.newTimer(Duration.ofMillis(10), TimerOptions.newBuilder().setSummary("short nap").build())
          .get();
      Annotated child =
          Workflow.newChildWorkflowStub(
              Annotated.class,
              ChildWorkflowOptions.newBuilder()
                  .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-child")
                  .setStaticSummary("the child")
                  .setStaticDetails("child details")
                  .build());
      return remote.echo("a") + local.echo("b") + child.run(false);
    }

    @Override
    public void poke() {}
  }

  private static String text(Payload p) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class);
  }

  private static HistoryEvent only(List<HistoryEvent> history, EventType type) {
    List<HistoryEvent> events = CompatServer.eventsOfType(history, type);
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @Test
  void summariesAndDetailsAreKeptOnTheirEventsAndDescribed() {
    sundial.worker().registerWorkflowImplementationTypes(AnnotatedImpl.class);
    sundial.worker().registerActivitiesImplementations(new EchoImpl());
    sundial.startWorkers();
    String id = sundial.newWorkflowId("annotated");
    Annotated wf =
        sundial.client().newWorkflowStub(
            Annotated.class,
            sundial.workflowOptions(id)
                .setStaticSummary("order 42")
                .setStaticDetails("**express** shipping")
                .build());
    assertThat(wf.run(true)).isEqualTo("abchild");

    var described = WorkflowStub.fromTyped(wf).describe();
    assertThat(described.getStaticSummary()).isEqualTo("order 42");
    assertThat(described.getStaticDetails()).isEqualTo("**express** shipping");

    List<HistoryEvent> history = sundial.history(id, "");
    HistoryEvent started = only(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(text(started.getUserMetadata().getSummary())).isEqualTo("order 42");
    assertThat(text(started.getUserMetadata().getDetails())).isEqualTo("**express** shipping");
    assertThat(text(only(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).getUserMetadata().getSummary()))
        .isEqualTo("remote echo");
    assertThat(text(only(history, EventType.EVENT_TYPE_MARKER_RECORDED).getUserMetadata().getSummary()))
        .isEqualTo("local echo");
    assertThat(text(only(history, EventType.EVENT_TYPE_TIMER_STARTED).getUserMetadata().getSummary()))
        .isEqualTo("short nap");
    HistoryEvent initiated =
        only(history, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    assertThat(text(initiated.getUserMetadata().getSummary())).isEqualTo("the child");
    // Events no command asked for carry none.
    assertThat(only(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).hasUserMetadata())
        .isFalse();

    // The child's own start carries what the parent's command attached.
    HistoryEvent childStarted =
        only(sundial.history(id + "-child", ""), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(text(childStarted.getUserMetadata().getSummary())).isEqualTo("the child");
    var child = sundial.client().newUntypedWorkflowStub(id + "-child").describe();
    assertThat(child.getStaticSummary()).isEqualTo("the child");
    assertThat(child.getStaticDetails()).isEqualTo("child details");
  }

  @Test
  void signalWithStartKeepsTheSummary() {
    sundial.worker().registerWorkflowImplementationTypes(AnnotatedImpl.class);
    sundial.worker().registerActivitiesImplementations(new EchoImpl());
    // No worker: the workflow stays open, which is all this test needs.
    String id = sundial.newWorkflowId("signal-with-start");
    Annotated wf =
        sundial.client().newWorkflowStub(
            Annotated.class,
            sundial.workflowOptions(id).setStaticSummary("started by a signal").build());
    var batch = sundial.client().newSignalWithStartRequest();
    batch.add(wf::run, true);
    batch.add(wf::poke);
    sundial.client().signalWithStart(batch);
    assertThat(WorkflowStub.fromTyped(wf).describe().getStaticSummary())
        .isEqualTo("started by a signal");
    assertThat(
            text(only(sundial.history(id, ""), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                .getUserMetadata().getSummary()))
        .isEqualTo("started by a signal");
  }
}
