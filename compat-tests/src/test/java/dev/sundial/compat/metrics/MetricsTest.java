package dev.sundial.compat.metrics;

import static dev.sundial.compat.metrics.PromCheck.labels;
import static dev.sundial.compat.metrics.PromCheck.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sundial.compat.CompatServer;
import dev.sundial.server.Sundial;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known workload through the Java SDK (and one start over the HTTP API), then /metrics scraped
 * and parsed by Prometheus's own parser: Temporal's metric names, types and labels, moved by
 * exactly what the workload did.
 */
class MetricsTest {
  private static final String QUEUE = "metrics-q";
  private static final String IDLE_QUEUE = "metrics-idle";

  @WorkflowInterface
  public interface Greeter {
    @WorkflowMethod
    String greet(String name);
  }

  @WorkflowInterface
  public interface Waiter {
    @WorkflowMethod
    void waitForever();
  }

  @ActivityInterface
  public interface Hello {
    String hello(String name);
  }

  public static class GreeterImpl implements Greeter {
    private final Hello hello = Workflow.newActivityStub(Hello.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10))
            .setDisableEagerExecution(true).build()); // through matching: counted as polls

    @Override
    public String greet(String name) {
      if (name.equals("fail")) {
        throw ApplicationFailure.newNonRetryableFailure("refused", "Refused");
      }
      Workflow.sleep(Duration.ofMillis(1)); // a durable timer
      return hello.hello(name);
    }
  }

  public static class WaiterImpl implements Waiter {
    @Override
    public void waitForever() {
      Workflow.await(() -> false);
    }
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static Map<String, PromCheck.Family> scrape(Sundial sundial) throws Exception {
    String text = get(sundial.metricsPort(), "/metrics");
    Files.writeString(Paths.get("target", "metrics-scrape.txt"), text); // the last one, to read
    return PromCheck.parse(text);
  }

  private static Map<String, PromCheck.Family> scrapeUnchecked(Sundial sundial) {
    try {
      return scrape(sundial);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PromCheck.Sample only(Map<String, PromCheck.Family> m, String family, String... labels) {
    List<PromCheck.Sample> found = m.get(family).samples().stream()
        .filter(s -> s.has(labels(labels))).toList();
    assertThat(found).as(family + " " + List.of(labels)).hasSize(1);
    return found.get(0);
  }

  @Test
  void aKnownWorkloadMovesTemporalsMetricsByWhatItDid(@TempDir Path dir) throws Exception {
    try (Sundial sundial = Sundial.builder().dbFile(dir.resolve("sundial.db"))
        .metrics("127.0.0.1", 0).httpApi("127.0.0.1", 0).start()) {
      WorkflowServiceStubs stubs = sundial.newWorkflowServiceStubs();
      WorkflowClient client = WorkflowClient.newInstance(stubs);

      // A workflow waiting on a queue no worker polls: a backlog of one.
      Greeter idle = client.newWorkflowStub(Greeter.class,
          WorkflowOptions.newBuilder().setTaskQueue(IDLE_QUEUE).setWorkflowId("idle").build());
      WorkflowClient.start(idle::greet, "idle");
      CompatServer.await(Duration.ofSeconds(10), "backlog of the idle queue", () -> value(
          scrapeUnchecked(sundial), "approximate_backlog_count", "taskqueue", IDLE_QUEUE,
          "task_type", "Workflow") == 1);
      assertThat(value(scrape(sundial), "no_poller_tasks", "taskqueue", IDLE_QUEUE)).isEqualTo(1);

      WorkerFactory factory = WorkerFactory.newInstance(client);
      for (String queue : List.of(QUEUE, IDLE_QUEUE)) {
        var worker = factory.newWorker(queue);
        worker.registerWorkflowImplementationTypes(GreeterImpl.class, WaiterImpl.class);
        worker.registerActivitiesImplementations((Hello) name -> "hello " + name);
      }
      factory.start();
      try {
        for (String name : List.of("a", "b", "c")) {
          assertThat(client.newWorkflowStub(Greeter.class, WorkflowOptions.newBuilder()
              .setTaskQueue(QUEUE).setWorkflowId("greet-" + name).build()).greet(name))
              .isEqualTo("hello " + name);
        }
        assertThatThrownBy(() -> client.newWorkflowStub(Greeter.class, WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE).setWorkflowId("greet-fail").build()).greet("fail"))
            .isInstanceOf(WorkflowFailedException.class);
        assertThat(client.newUntypedWorkflowStub("idle").getResult(String.class)).isEqualTo("hello idle");
        Waiter waiter = client.newWorkflowStub(Waiter.class, WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE).setWorkflowId("waiter").build());
        WorkflowClient.start(waiter::waitForever);
        client.newUntypedWorkflowStub("waiter").terminate("done waiting");
        // A schedule's action: one more greeting.
        ScheduleClient.newInstance(stubs).createSchedule("greet-schedule", Schedule.newBuilder()
                .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType(Greeter.class)
                    .setArguments("scheduled").setOptions(WorkflowOptions.newBuilder()
                        .setTaskQueue(QUEUE).setWorkflowId("greet-scheduled").build()).build())
                .setSpec(ScheduleSpec.newBuilder().build()).build(),
            ScheduleOptions.newBuilder().setTriggerImmediately(true).build());
        // (its workflow id gets the schedule time appended, so it is awaited through the metrics)
        CompatServer.await(Duration.ofSeconds(20), "the schedule's action started and completed",
            () -> {
              Map<String, PromCheck.Family> now = scrapeUnchecked(sundial);
              return value(now, "schedule_action_success", "namespace", "default") == 1
                  && value(now, "workflow_success", "workflowType", "Greeter", "taskqueue", QUEUE) == 4;
            });
      } finally {
        factory.shutdownNow();
      }
      // One start over the HTTP API: counted as any other call.
      HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + sundial.httpPort()
                  + "/api/v1/namespaces/default/workflows/over-http"))
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"workflowType\":{\"name\":\"Http\"},\"taskQueue\":{\"name\":\"nobody\"}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
      // A NOT_FOUND: counted by type, not as a service error.
      assertThatThrownBy(() -> stubs.blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId("no-such")).build()))
          .isInstanceOf(StatusRuntimeException.class);

      // A namespace that does not exist adds no label value: clients cannot grow the series.
      assertThatThrownBy(() -> stubs.blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace("no-such-namespace")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId("x")).build()))
          .isInstanceOf(StatusRuntimeException.class);

      Map<String, PromCheck.Family> m = scrape(sundial);
      assertThat(value(m, "service_requests", "operation", "DescribeWorkflowExecution",
          "namespace", "_unknown_")).isEqualTo(1);
      assertThat(m.get("service_requests").samples())
          .noneMatch(s -> "no-such-namespace".equals(s.labels().get("namespace")));
      // Temporal's types, and no Prometheus-client renaming (_total, _seconds).
      assertThat(m.get("service_requests").type()).isEqualTo("COUNTER");
      assertThat(m.get("service_latency").type()).isEqualTo("HISTOGRAM");
      assertThat(m.get("service_pending_requests").type()).isEqualTo("GAUGE");
      assertThat(m.get("workflow_success").type()).isEqualTo("COUNTER");
      assertThat(m.get("approximate_backlog_count").type()).isEqualTo("GAUGE");
      assertThat(m.keySet()).doesNotContain("service_requests_total", "service_latency_seconds");

      String[] start = {"operation", "StartWorkflowExecution", "namespace", "default",
          "service_name", "frontend"};
      // 3 greetings + 1 failure + idle + waiter through the SDK, 1 over HTTP.
      assertThat(value(m, "service_requests", start)).isEqualTo(7);
      PromCheck.Sample latency = only(m, "service_latency", start);
      assertThat(latency.count()).isEqualTo(7);
      assertThat(latency.buckets()).containsEntry("+Inf", 7L).containsKey("0.001").containsKey("1000");
      assertThat(value(m, "service_pending_requests", start)).isZero();
      assertThat(value(m, "action", "action_type", "grpc_StartWorkflowExecution")).isEqualTo(7);

      assertThat(value(m, "service_errors_entity_not_found", "operation", "DescribeWorkflowExecution",
          "namespace", "default")).isEqualTo(1);
      assertThat(value(m, "service_error_with_type", "namespace", "_unknown_",
          "error_type", "serviceerror_NamespaceNotFound")).isEqualTo(1);
      assertThat(value(m, "service_error_with_type", "operation", "DescribeWorkflowExecution",
          "error_type", "serviceerror_NotFound")).isEqualTo(1);
      assertThat(value(m, "service_errors", "operation", "DescribeWorkflowExecution"))
          .as("NOT_FOUND is the caller's doing, not a service error").isZero();

      String[] completion = {"operation", "CompletionStats", "namespace", "default",
          "service_name", "history"};
      assertThat(value(m, "workflow_success", append(completion, "workflowType", "Greeter",
          "taskqueue", QUEUE))).isEqualTo(4);
      assertThat(value(m, "workflow_success", append(completion, "taskqueue", IDLE_QUEUE)))
          .isEqualTo(1);
      assertThat(value(m, "workflow_failed", append(completion, "workflowType", "Greeter")))
          .isEqualTo(1);
      assertThat(value(m, "workflow_terminate", append(completion, "workflowType", "Waiter")))
          .isEqualTo(1);
      assertThat(value(m, "workflow_timeout", completion)).isZero();

      // Matching: every greeting's workflow tasks and activities were polled; the idle backlog is gone.
      assertThat(value(m, "poll_success", "taskqueue", QUEUE, "task_type", "Activity",
          "service_name", "matching")).isEqualTo(4);
      assertThat(value(m, "poll_success", "taskqueue", QUEUE, "task_type", "Workflow"))
          .isGreaterThanOrEqualTo(5);
      assertThat(value(m, "approximate_backlog_count", "taskqueue", IDLE_QUEUE)).isZero();
      // Temporal's internal steps, for its dashboards' task panels: 5 activities (4 + idle).
      assertThat(value(m, "service_requests", "operation", "AddActivityTask")).isEqualTo(5);
      assertThat(value(m, "service_requests", "operation", "RecordActivityTaskStarted")).isEqualTo(5);
      assertThat(value(m, "command", "commandType", "ScheduleActivityTask")).isEqualTo(5);
      assertThat(value(m, "command", "commandType", "StartTimer")).isEqualTo(5);
      assertThat(only(m, "sundial_timer_lateness").count()).isEqualTo(5);
      assertThat(value(m, "sundial_wal_size_bytes")).isPositive();

      // Persistence and the server's own figures.
      assertThat(value(m, "persistence_requests", "operation", "Commit")).isPositive();
      assertThat(only(m, "persistence_latency", "operation", "Commit").count())
          .isEqualTo((long) value(m, "persistence_requests", "operation", "Commit"));
      assertThat(value(m, "persistence_errors", "operation", "Commit")).isZero();
      assertThat(only(m, "sundial_commit_batch_size").count()).isPositive();
      assertThat(only(m, "state_transition_count").count()).isPositive();
      assertThat(value(m, "numshards_gauge")).isEqualTo(16);
      assertThat(m).containsKeys("jvm_memory_used_bytes", "process_cpu_usage");
      assertThat(get(sundial.metricsPort(), "/ready")).contains("\"ready\"");
      dashboardReadsOnlyWhatIsScraped(m);
    }
  }

  /**
   * Every PromQL expression of the dashboard in docs/grafana parses (Prometheus's parser) and
   * reads metrics this scrape has, except the few that appear only once what they count happens.
   */
  private static void dashboardReadsOnlyWhatIsScraped(Map<String, PromCheck.Family> m)
      throws Exception {
    Set<String> onlyWhenItHappens = Set.of("schedule_missed_catchup_window",
        "schedule_buffer_overruns", "workflow_timeout", "workflow_cancel",
        "workflow_continued_as_new", "service_errors_resource_exhausted", "service_errors",
        "poll_timeouts", "jvm_gc_pause_sum"); // (a JVM pause: once a collection happened)
    Set<String> scraped = new HashSet<>(m.keySet());
    for (PromCheck.Family f : m.values()) {
      if (f.type().equals("HISTOGRAM")) {
        scraped.add(f.name() + "_bucket");
      }
      if (f.type().equals("HISTOGRAM") || f.type().equals("SUMMARY")) {
        scraped.addAll(List.of(f.name() + "_sum", f.name() + "_count"));
      }
    }
    JsonArray exprs = PromCheck.expressions(Paths.get("..", "docs", "grafana", "sundial-server.json"));
    assertThat(exprs.size()).isGreaterThan(30);
    for (var e : exprs) {
      JsonObject o = e.getAsJsonObject();
      assertThat(o.has("error")).as(o.get("expr").getAsString()).isFalse();
      for (var name : o.getAsJsonArray("metrics")) {
        String metric = name.getAsString();
        if (!onlyWhenItHappens.contains(metric)) {
          assertThat(scraped).as(o.get("panel").getAsString() + ": " + metric).contains(metric);
        }
      }
    }
  }

  @Test
  void taskQueueAndWorkflowTypeLabelsAreCapped() throws Exception {
    try (Sundial sundial = Sundial.builder().inMemory().metrics("127.0.0.1", 0)
        .metricLabelLimits(1, 1).start()) {
      WorkflowClient client = WorkflowClient.newInstance(sundial.newWorkflowServiceStubs());
      for (int i = 0; i < 3; i++) {
        WorkflowStub stub = client.newUntypedWorkflowStub("Type" + i,
            WorkflowOptions.newBuilder().setTaskQueue("queue-" + i).setWorkflowId("w" + i).build());
        stub.start();
        stub.terminate("capped");
      }
      Map<String, PromCheck.Family> m = scrape(sundial);
      assertThat(value(m, "workflow_terminate", "workflowType", "Type0", "taskqueue", "queue-0"))
          .isEqualTo(1);
      assertThat(value(m, "workflow_terminate", "workflowType", "_other", "taskqueue", "_other"))
          .isEqualTo(2);
      assertThat(m.get("workflow_terminate").samples()).hasSize(2);
    }
  }

  @Test
  void anEmbeddingApplicationGetsTheMetricsInItsOwnRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Sundial sundial = Sundial.builder().inMemory().meterRegistry(registry).start()) {
      WorkflowClient client = WorkflowClient.newInstance(sundial.newWorkflowServiceStubs());
      WorkflowStub stub = client.newUntypedWorkflowStub("Embedded",
          WorkflowOptions.newBuilder().setTaskQueue("embedded").setWorkflowId("e1").build());
      stub.start();
      stub.terminate("done");
      assertThat(sundial.metricsPort()).as("no endpoint unless asked").isEqualTo(-1);
      assertThat(registry.get("service_requests").tag("operation", "StartWorkflowExecution")
          .counter().count()).isEqualTo(1);
      assertThat(registry.get("workflow_terminate").tag("workflowType", "Embedded")
          .counter().count()).isEqualTo(1);
      assertThat(registry.find("jvm.memory.used").meters())
          .as("the application binds its own JVM meters").isEmpty();
      // Gauges over many objects are refreshed for the application's exporter too.
      WorkflowClient.newInstance(sundial.newWorkflowServiceStubs()).newUntypedWorkflowStub(
          "Embedded", WorkflowOptions.newBuilder().setTaskQueue("embedded")
              .setWorkflowId("e2").build()).start();
      CompatServer.await(Duration.ofSeconds(30), "the backlog gauge in the application's registry",
          // (e1's task waits too until a poller finds its run terminated: approximate, as in Temporal)
          () -> registry.find("approximate_backlog_count").tag("taskqueue", "embedded").gauges()
              .stream().anyMatch(g -> g.value() >= 1));
    }
  }

  private static String[] append(String[] a, String... more) {
    String[] r = Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, r, a.length, more.length);
    return r;
  }
}
