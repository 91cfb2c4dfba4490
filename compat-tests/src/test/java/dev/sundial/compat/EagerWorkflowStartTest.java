package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eager workflow start (WorkflowOptions.setDisableEagerExecution(false)): the SDK reserves a slot
 * on its own worker for the queue, and the server hands the first workflow task back with the
 * start response. The worker has its own identity, so the history tells who started each task:
 * the starting client (eager) or the worker's poll.
 */
class EagerWorkflowStartTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();
  private static final String WORKER_IDENTITY = "eager-test-worker";

  @ActivityInterface
  public interface Shout {
    String shout(String s);
  }

  public static class ShoutImpl implements Shout {
    @Override
    public String shout(String s) {
      return s.toUpperCase();
    }
  }

  @WorkflowInterface
  public interface Greeting {
    @WorkflowMethod
    String greet(String name);
  }

  public static class GreetingImpl implements Greeting {
    @Override
    public String greet(String name) {
      Shout shout =
          Workflow.newActivityStub(
              Shout.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());
      return "hello " + shout.shout(name);
    }
  }

  private void startWorker() {
    var worker = sundial.newWorker(
        sundial.taskQueue(), WorkerOptions.newBuilder().setIdentity(WORKER_IDENTITY).build());
    worker.registerWorkflowImplementationTypes(GreetingImpl.class);
    worker.registerActivitiesImplementations(new ShoutImpl());
    sundial.startWorkers();
  }

  private List<HistoryEvent> run(String workflowId, boolean eager) throws Exception {
    Greeting g =
        sundial.client().newWorkflowStub(
            Greeting.class,
            sundial.workflowOptions(workflowId).setDisableEagerExecution(!eager).build());
    WorkflowClient.start(g::greet, "sundial");
    assertThat(WorkflowStub.fromTyped(g).getResult(30, TimeUnit.SECONDS, String.class))
        .isEqualTo("hello SUNDIAL");
    return eventsOfType(sundial.history(workflowId, null), EVENT_TYPE_WORKFLOW_TASK_STARTED);
  }

  @Test
  void firstWorkflowTaskComesBackWithTheStartResponse() throws Exception {
    assertThat(sundial.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
            .getCapabilities().getEagerWorkflowStart())
        .isTrue();
    startWorker();
    String clientIdentity = sundial.client().getOptions().getIdentity();
    assertThat(clientIdentity).isNotEqualTo(WORKER_IDENTITY);

    List<HistoryEvent> eager = run(sundial.newWorkflowId("eager"), true);
    assertThat(eager).hasSizeGreaterThanOrEqualTo(2);
    assertThat(eager.get(0).getWorkflowTaskStartedEventAttributes().getIdentity())
        .as("first task started by the starting client, eagerly")
        .isEqualTo(clientIdentity);
    assertThat(eager.get(1).getWorkflowTaskStartedEventAttributes().getIdentity())
        .as("later tasks are polled by the worker")
        .isEqualTo(WORKER_IDENTITY);

    // The default (eager start off): the worker polls the first task too.
    List<HistoryEvent> polled = run(sundial.newWorkflowId("not-eager"), false);
    assertThat(polled.get(0).getWorkflowTaskStartedEventAttributes().getIdentity())
        .isEqualTo(WORKER_IDENTITY);
  }
}
