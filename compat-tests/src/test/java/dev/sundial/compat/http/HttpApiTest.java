package dev.sundial.compat.http;

import static dev.sundial.compat.CompatServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.compat.SundialTestServer;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Temporal's HTTP/JSON API on Sundial (the {@code --http-port} listener), driven with a plain HTTP
 * client while an official-SDK worker runs the workflows: every call checked for its effect, every
 * error for its HTTP status and google.rpc.Status body.
 */
class HttpApiTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer().withHttp();

  static {
    // The Host-header check needs a request that names another host.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @WorkflowInterface
  public interface Tally {
    @WorkflowMethod
    String run(String name);

    @SignalMethod
    void add(int n);

    @SignalMethod
    void finish();

    @QueryMethod
    int total();

    @UpdateMethod
    int addAndGet(int n);
  }

  public static class TallyImpl implements Tally {
    private int total;
    private boolean done;

    @Override
    public String run(String name) {
      Workflow.await(() -> done);
      return name + ":" + total;
    }

    @Override
    public void add(int n) {
      total += n;
    }

    @Override
    public void finish() {
      done = true;
    }

    @Override
    public int total() {
      return total;
    }

    @Override
    public int addAndGet(int n) {
      total += n;
      return total;
    }
  }

  @BeforeEach
  void worker() {
    sundial.worker().registerWorkflowImplementationTypes(TallyImpl.class);
    sundial.startWorkers();
  }

  // ---------------------------------------------------------------- workflows

  @Test
  void startDescribeSignalQueryUpdateAndHistoryWithShorthandPayloads() {
    String id = sundial.newWorkflowId("http-start");
    Reply started = post("/namespaces/default/workflows/" + id, start("Tally", "\"ann\""));
    assertThat(started.status).isEqualTo(200);
    String runId = started.json().get("runId").getAsString();
    assertThat(runId).isNotEmpty();

    Reply described = get("/namespaces/default/workflows/" + id);
    assertThat(described.status).isEqualTo(200);
    JsonObject info = described.json().getAsJsonObject("workflowExecutionInfo");
    assertThat(info.get("status").getAsString()).isEqualTo("WORKFLOW_EXECUTION_STATUS_RUNNING");
    assertThat(info.getAsJsonObject("type").get("name").getAsString()).isEqualTo("Tally");

    // Signal with a shorthand payload: the worker sees the number 5.
    assertThat(post("/namespaces/default/workflows/" + id + "/signal/add", "{\"input\":[5]}").status)
        .isEqualTo(200);
    // Query answered by the SDK worker, the result in shorthand.
    await(Duration.ofSeconds(10), "the signal to be applied", () -> {
      Reply q = post("/namespaces/default/workflows/" + id + "/query/total", "{}");
      return q.status == 200 && q.json().get("queryResult").toString().equals("[5]");
    });
    // Update through the HTTP binding, waiting for completion.
    Reply updated = post("/namespaces/default/workflows/" + id + "/update/addAndGet",
        "{\"request\":{\"meta\":{\"updateId\":\"u1\"},\"input\":{\"args\":[2]}},"
            + "\"waitPolicy\":{\"lifecycleStage\":\"UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED\"}}");
    assertThat(updated.status).as(updated.body).isEqualTo(200);
    assertThat(updated.json().getAsJsonObject("outcome").getAsJsonArray("success").get(0).getAsInt())
        .isEqualTo(7);
    assertThat(post("/namespaces/default/workflows/" + id + "/signal/finish", "{}").status)
        .isEqualTo(200);
    assertThat(WorkflowStub.fromTyped(
            sundial.client().newWorkflowStub(Tally.class, id)).getResult(String.class))
        .isEqualTo("ann:7");

    // History: the start input in shorthand, and in long form with ?noPayloadShorthand.
    JsonObject first = get("/namespaces/default/workflows/" + id + "/history").json()
        .getAsJsonObject("history").getAsJsonArray("events").get(0).getAsJsonObject();
    assertThat(first.getAsJsonObject("workflowExecutionStartedEventAttributes")
            .getAsJsonArray("input").get(0).getAsString())
        .isEqualTo("ann");
    JsonObject longForm = get("/namespaces/default/workflows/" + id + "/history?noPayloadShorthand")
        .json().getAsJsonObject("history").getAsJsonArray("events").get(0).getAsJsonObject()
        .getAsJsonObject("workflowExecutionStartedEventAttributes").getAsJsonObject("input")
        .getAsJsonArray("payloads").get(0).getAsJsonObject();
    assertThat(longForm.getAsJsonObject("metadata").get("encoding").getAsString())
        .isEqualTo("anNvbi9wbGFpbg=="); // base64 of json/plain
    assertThat(longForm.get("data").getAsString()).isEqualTo("ImFubiI="); // base64 of "ann"
  }

  @Test
  void standaloneActivitiesStartDescribeListTerminateAndOutcome() {
    String id = "http-activity-" + UUID.randomUUID();
    Reply started = post("/namespaces/default/activities/" + id,
        "{\"activityType\":{\"name\":\"Greet\"},\"taskQueue\":{\"name\":\"nobody\"},"
            + "\"startToCloseTimeout\":\"10s\",\"input\":[\"web\"]}");
    assertThat(started.status).as(started.body).isEqualTo(200);
    String runId = started.json().get("runId").getAsString();
    assertThat(runId).isNotEmpty();

    JsonObject info = get("/namespaces/default/activities/" + id).json().getAsJsonObject("info");
    assertThat(info.get("status").getAsString()).isEqualTo("ACTIVITY_EXECUTION_STATUS_RUNNING");
    assertThat(info.getAsJsonObject("activityType").get("name").getAsString()).isEqualTo("Greet");
    Reply listed = get("/namespaces/default/activities?query=" + enc("ActivityId = '" + id + "'"));
    assertThat(listed.status).as(listed.body).isEqualTo(200);
    assertThat(listed.json().getAsJsonArray("executions")).hasSize(1);

    assertThat(post("/namespaces/default/activities/" + id + "/terminate",
            "{\"reason\":\"over http\"}").status)
        .isEqualTo(200);
    Reply outcome = get("/namespaces/default/activities/" + id + "/outcome?runId=" + runId);
    assertThat(outcome.status).as(outcome.body).isEqualTo(200);
    assertThat(outcome.json().getAsJsonObject("outcome").getAsJsonObject("failure")
            .get("message").getAsString())
        .isEqualTo("over http");
  }

  @Test
  void longFormPayloadsAreAcceptedAndNullIsBinaryNull() {
    String id = sundial.newWorkflowId("http-long");
    String body = "{\"workflowType\":{\"name\":\"Tally\"},\"taskQueue\":{\"name\":\""
        + sundial.taskQueue() + "\"},\"input\":{\"payloads\":[{\"metadata\":{\"encoding\":"
        + "\"anNvbi9wbGFpbg==\"},\"data\":\"ImJvYiI=\"}]}}";
    assertThat(post("/namespaces/default/workflows/" + id, body).status).isEqualTo(200);
    post("/namespaces/default/workflows/" + id + "/signal/add", "{\"input\":[1]}");
    post("/namespaces/default/workflows/" + id + "/signal/finish", "{\"input\":[null]}");
    assertThat(sundial.client().newUntypedWorkflowStub(id).getResult(String.class))
        .isEqualTo("bob:1");
    // A null shorthand payload is stored as binary/null.
    var signal = sundial.history(id, null).stream()
        .filter(e -> e.hasWorkflowExecutionSignaledEventAttributes()
            && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("finish"))
        .findFirst().orElseThrow();
    assertThat(signal.getWorkflowExecutionSignaledEventAttributes().getInput().getPayloads(0)
            .getMetadataOrThrow("encoding").toStringUtf8())
        .isEqualTo("binary/null");
  }

  @Test
  void listCountAndReverseHistoryPaging() {
    String a = sundial.newWorkflowId("http-list");
    String b = sundial.newWorkflowId("http-list");
    post("/namespaces/default/workflows/" + a, start("Tally", "\"a\""));
    post("/namespaces/default/workflows/" + b, start("Tally", "\"b\""));
    for (int i = 0; i < 5; i++) {
      post("/namespaces/default/workflows/" + a + "/signal/add", "{\"input\":[1]}");
    }
    post("/namespaces/default/workflows/" + b + "/terminate", "{\"reason\":\"test\"}");

    String query = enc("WorkflowId IN ('" + a + "','" + b + "')");
    JsonArray listed = get("/api/v1/namespaces/default/workflows?query=" + query).json()
        .getAsJsonArray("executions");
    assertThat(listed).hasSize(2);
    await(Duration.ofSeconds(10), "count groups", () -> {
      JsonObject count = get("/namespaces/default/workflow-count?query="
          + enc("WorkflowId IN ('" + a + "','" + b + "') GROUP BY ExecutionStatus")).json();
      return count.get("count").getAsLong() == 2 && count.getAsJsonArray("groups").size() == 2;
    });

    // Reverse history, two events a page, newest first, until the token runs out.
    List<Long> ids = new ArrayList<>();
    String token = null;
    do {
      JsonObject page = get("/namespaces/default/workflows/" + a + "/history-reverse?maximumPageSize=2"
          + (token == null ? "" : "&nextPageToken=" + enc(token))).json();
      for (JsonElement e : page.getAsJsonObject("history").getAsJsonArray("events")) {
        ids.add(e.getAsJsonObject().get("eventId").getAsLong());
      }
      token = page.has("nextPageToken") ? page.get("nextPageToken").getAsString() : null;
    } while (token != null);
    long last = sundial.history(a, null).size();
    assertThat(ids).hasSize((int) last);
    assertThat(ids.get(0)).isEqualTo(last);
    assertThat(ids.get(ids.size() - 1)).isEqualTo(1L);
    assertThat(ids).isSortedAccordingTo((x, y) -> Long.compare(y, x));

    // Forward history paging with the page token from the query string.
    JsonObject page1 = get("/namespaces/default/workflows/" + a + "/history?maximumPageSize=3").json();
    assertThat(page1.getAsJsonObject("history").getAsJsonArray("events")).hasSize(3);
    JsonObject page2 = get("/namespaces/default/workflows/" + a + "/history?maximumPageSize=3&nextPageToken="
        + enc(page1.get("nextPageToken").getAsString())).json();
    assertThat(page2.getAsJsonObject("history").getAsJsonArray("events").get(0).getAsJsonObject()
        .get("eventId").getAsLong()).isEqualTo(4L);
  }

  @Test
  void resetCancelAndTerminate() {
    String id = sundial.newWorkflowId("http-reset");
    String run = post("/namespaces/default/workflows/" + id, start("Tally", "\"c\"")).json()
        .get("runId").getAsString();
    // Reset to the first workflow task: a new run, the old one terminated.
    await(Duration.ofSeconds(10), "first workflow task completed", () -> sundial.history(id, run)
        .stream().anyMatch(e -> e.hasWorkflowTaskCompletedEventAttributes()));
    long taskDone = sundial.history(id, run).stream()
        .filter(e -> e.hasWorkflowTaskCompletedEventAttributes()).findFirst().orElseThrow()
        .getEventId();
    Reply reset = post("/namespaces/default/workflows/" + id + "/reset",
        "{\"workflowExecution\":{\"runId\":\"" + run + "\"},\"workflowTaskFinishEventId\":\""
            + taskDone + "\",\"requestId\":\"r-1\",\"reason\":\"http\"}");
    assertThat(reset.status).as(reset.body).isEqualTo(200);
    String newRun = reset.json().get("runId").getAsString();
    assertThat(newRun).isNotEqualTo(run);
    assertThat(sundial.describe(id, run).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);

    // Cancel the new run: the SDK workflow ends canceled.
    assertThat(post("/namespaces/default/workflows/" + id + "/cancel",
        "{\"workflowExecution\":{\"runId\":\"" + newRun + "\"},\"reason\":\"r\"}").status)
        .isEqualTo(200);
    await(Duration.ofSeconds(10), "the run to be canceled", () -> sundial.describe(id, newRun)
        .getWorkflowExecutionInfo().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);

    String other = sundial.newWorkflowId("http-terminate");
    post("/namespaces/default/workflows/" + other, start("Tally", "\"t\""));
    assertThat(post("/namespaces/default/workflows/" + other + "/terminate",
        "{\"reason\":\"done\"}").status).isEqualTo(200);
    assertThat(sundial.describe(other, null).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void schedulesCrudAndBatch() {
    String sid = sundial.newWorkflowId("http-sched");
    String schedule = "{\"schedule\":{\"spec\":{\"interval\":[{\"interval\":\"3600s\"}]},"
        + "\"action\":{\"startWorkflow\":{\"workflowId\":\"" + sid + "-wf\",\"workflowType\":{\"name\":\"Tally\"},"
        + "\"taskQueue\":{\"name\":\"" + sundial.taskQueue() + "\"},\"input\":[\"s\"]}}},"
        + "\"requestId\":\"" + sid + "\"}";
    assertThat(post("/namespaces/default/schedules/" + sid, schedule).status).isEqualTo(200);
    JsonObject described = get("/namespaces/default/schedules/" + sid).json();
    assertThat(described.getAsJsonObject("schedule").getAsJsonObject("action")
        .getAsJsonObject("startWorkflow").getAsJsonArray("input").get(0).getAsString()).isEqualTo("s");
    // Update: replace the whole schedule (a new interval), then patch it.
    Reply updated = post("/namespaces/default/schedules/" + sid + "/update",
        schedule.replace("3600s", "7200s").replace("\"requestId\":\"" + sid, "\"requestId\":\"u-" + sid));
    assertThat(updated.status).as(updated.body).isEqualTo(200);
    assertThat(get("/namespaces/default/schedules/" + sid).json().getAsJsonObject("schedule")
        .getAsJsonObject("spec").getAsJsonArray("interval").get(0).getAsJsonObject()
        .get("interval").getAsString()).isEqualTo("7200s");
    assertThat(post("/namespaces/default/schedules/" + sid + "/patch",
        "{\"patch\":{\"pause\":\"paused by http\"}}").status).isEqualTo(200);
    assertThat(get("/namespaces/default/schedules/" + sid).json().getAsJsonObject("schedule")
        .getAsJsonObject("state").get("paused").getAsBoolean()).isTrue();
    await(Duration.ofSeconds(10), "schedule listed", () ->
        get("/namespaces/default/schedules").body.contains(sid));
    assertThat(delete("/namespaces/default/schedules/" + sid).status).isEqualTo(200);
    assertThat(get("/namespaces/default/schedules/" + sid).status).isEqualTo(404);

    String w = sundial.newWorkflowId("http-batch");
    post("/namespaces/default/workflows/" + w, start("Tally", "\"x\""));
    String job = sundial.newWorkflowId("job");
    Reply batch = post("/namespaces/default/batch-operations/" + job,
        "{\"executions\":[{\"workflowId\":\"" + w + "\"}],\"reason\":\"cleanup\","
            + "\"terminationOperation\":{}}");
    assertThat(batch.status).as(batch.body).isEqualTo(200);
    await(Duration.ofSeconds(15), "batch completed", () -> get("/namespaces/default/batch-operations/" + job)
        .json().get("state").getAsString().equals("BATCH_OPERATION_STATE_COMPLETED"));
    assertThat(sundial.describe(w, null).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void clusterAndSystemInfo() {
    Reply pretty = get("/cluster?pretty");
    assertThat(pretty.body).contains("\n  \"supportedClients\": {");
    JsonObject cluster = get("/cluster").json();
    assertThat(cluster.get("serverVersion").getAsString()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(cluster.getAsJsonObject("supportedClients").has("temporal-ui")).isTrue();
    assertThat(get("/api/v1/system-info").json().getAsJsonObject("capabilities")
        .get("supportsSchedules").getAsBoolean()).isTrue();
    assertThat(get("/api/v1/namespaces/default").json().getAsJsonObject("namespaceInfo")
        .get("name").getAsString()).isEqualTo("default");
  }

  // ---------------------------------------------------------------- errors

  @Test
  void errorsCarryGrpcGatewayStatusesAndStatusBodies() {
    String id = sundial.newWorkflowId("http-err");
    // 404 with NotFoundFailure / NamespaceNotFoundFailure details.
    assertError(get("/namespaces/default/workflows/" + id), 404, 5, "NotFoundFailure");
    assertError(get("/namespaces/no-such-ns/workflows/x"), 404, 5, "NamespaceNotFoundFailure");
    // 409: the same id started twice.
    post("/namespaces/default/workflows/" + id, start("Tally", "\"e\""));
    assertError(post("/namespaces/default/workflows/" + id, start("Tally", "\"e\"")), 409, 6,
        "WorkflowExecutionAlreadyStartedFailure");
    // 400 from validation (an empty workflow type) names the field.
    Reply invalid = post("/namespaces/default/workflows/" + sundial.newWorkflowId("x"),
        "{\"taskQueue\":{\"name\":\"q\"}}");
    assertError(invalid, 400, 3, null);
    assertThat(invalid.json().get("message").getAsString()).containsIgnoringCase("workflowtype");
    // 400 FAILED_PRECONDITION (grpc-gateway maps it to 400): archival is not enabled.
    assertError(get("/namespaces/default/archived-workflows"), 400, 9, null);
    // 400: a malformed list query.
    assertError(get("/namespaces/default/workflows?query=" + enc("WorkflowId =")), 400, 3, null);
    // 501: an RPC Sundial does not implement; 501 for a known path with another method.
    assertError(get("/namespaces/default/worker-deployments"), 501, 12, null);
    assertError(send("PUT", "/namespaces/default/workflows/" + id, "{}", null), 501, 12, null);
    // 404 for a path no RPC has.
    assertError(get("/no/such/route"), 404, 5, null);
    // 504: the deadline of grpc-gateway's Grpc-Timeout header passes before the answer. (An
    // update nobody answers is not one: as on Temporal it returns 200 at stage ADMITTED.)
    assertError(sendTo(sundial.sundial().httpPort(), "GET", "/namespaces/default/workflows/" + id,
        null, null, null, Map.of("Grpc-Timeout", "1n")), 504, 4, null);
    String idle = sundial.newWorkflowId("http-idle");
    post("/namespaces/default/workflows/" + idle, "{\"workflowType\":{\"name\":\"Tally\"},"
        + "\"taskQueue\":{\"name\":\"no-worker-here\"}}");
    Reply admitted = sendTo(sundial.sundial().httpPort(), "POST",
        "/namespaces/default/workflows/" + idle + "/update/addAndGet",
        "{\"request\":{\"meta\":{\"updateId\":\"t1\"},\"input\":{\"args\":[1]}}}", null, null,
        Map.of("Grpc-Timeout", "2S"));
    assertThat(admitted.status).isEqualTo(200);
    assertThat(admitted.json().get("stage").getAsString())
        .isEqualTo("UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED");
    assertError(sendTo(sundial.sundial().httpPort(), "GET", "/cluster", null, null, null,
        Map.of("Grpc-Timeout", "soon")), 400, 3, null);
  }

  @Test
  void malformedRequestsAreRefusedWithoutChangingState() {
    String id = sundial.newWorkflowId("http-bad");
    String path = "/namespaces/default/workflows/" + id;
    assertError(post(path, "{\"workflowType\":"), 400, 3, null);
    Reply unknown = post(path, "{\"workflowType\":{\"name\":\"T\"},\"taskQueue\":{\"name\":\"q\"},\"bogus\":1}");
    assertError(unknown, 400, 3, null);
    assertThat(unknown.json().get("message").getAsString()).contains("bogus");
    Reply wrongType = post(path, "{\"workflowType\":{\"name\":\"T\"},\"taskQueue\":{\"name\":\"q\"},"
        + "\"workflowRunTimeout\":[1]}");
    assertError(wrongType, 400, 3, null);
    Reply badEnum = post(path, "{\"workflowType\":{\"name\":\"T\"},\"taskQueue\":{\"name\":\"q\"},"
        + "\"workflowIdReusePolicy\":\"NOT_A_POLICY\"}");
    assertError(badEnum, 400, 3, null);
    assertThat(badEnum.json().get("message").getAsString()).contains("NOT_A_POLICY");
    assertError(post(path, "[1,2]"), 400, 3, null);
    // Over 4 MB: 413 before anything is parsed.
    String big = "{\"workflowType\":{\"name\":\"T\"},\"taskQueue\":{\"name\":\"q\"},\"input\":[\""
        + "x".repeat(4 * 1024 * 1024 + 10) + "\"]}";
    Reply tooBig = post(path, big);
    assertThat(tooBig.status).isEqualTo(413);
    assertThat(tooBig.json().get("code").getAsInt()).isEqualTo(8);
    // None of it started the workflow.
    assertError(get(path), 404, 5, null);
  }

  // ---------------------------------------------------------------- UI port

  @Test
  void uiPortServesSettingsApiUnderApiV1WithCsrfAndHostChecks() {
    int ui = sundial.sundial().uiPort();
    Reply settings = sendTo(ui, "GET", "/api/v1/settings", null, null, "127.0.0.1:" + ui);
    assertThat(settings.status).isEqualTo(200);
    assertThat(settings.json().get("DefaultNamespace").getAsString()).isEqualTo("default");
    String cookie = settings.headers.firstValue("set-cookie").orElseThrow();
    assertThat(cookie).startsWith("_csrf=");
    String token = cookie.substring("_csrf=".length(), cookie.indexOf(';'));

    String id = sundial.newWorkflowId("http-ui");
    String path = "/api/v1/namespaces/default/workflows/" + id;
    // A write without the CSRF header is refused; with header = cookie it goes through.
    assertError(sendTo(ui, "POST", path, start("Tally", "\"u\""), null, "127.0.0.1:" + ui), 403, 7, null);
    Reply ok = sendTo(ui, "POST", path, start("Tally", "\"u\""), token, "127.0.0.1:" + ui);
    assertThat(ok.status).as(ok.body).isEqualTo(200);
    // Reads need no token; primary (non-/api/v1) paths are not on the UI port.
    assertThat(sendTo(ui, "GET", path, null, null, "localhost:" + ui).status).isEqualTo(200);
    // A foreign Host header (DNS rebinding) is refused.
    assertError(sendTo(ui, "GET", path, null, null, "evil.example:" + ui), 403, 7, null);
    // Gzip when asked for.
    HttpResponse<byte[]> gz = raw(ui, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + path))
        .header("Accept-Encoding", "gzip").GET().build());
    assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gunzip(gz.body())).contains("\"workflowId\":\"" + id + "\"");
    // Raw history download: {"events":[...]} in long form.
    String run = ok.json().get("runId").getAsString();
    Reply raw = sendTo(ui, "GET", path + "/run/" + run + "/history.json", null, null, "127.0.0.1:" + ui);
    assertThat(raw.status).isEqualTo(200);
    assertThat(raw.json().getAsJsonArray("events").get(0).getAsJsonObject().get("eventType").getAsString())
        .isEqualTo("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED");
    // Sundial's cluster page JSON.
    assertThat(sendTo(ui, "GET", "/sundial/api/cluster", null, null, "127.0.0.1:" + ui).json()
        .get("shardCount").getAsInt()).isPositive();
  }

  // ---------------------------------------------------------------- helpers

  private String start(String type, String input) {
    return "{\"workflowType\":{\"name\":\"" + type + "\"},\"taskQueue\":{\"name\":\""
        + sundial.taskQueue() + "\"},\"input\":[" + input + "],\"requestId\":\""
        + UUID.randomUUID() + "\"}";
  }

  private static void assertError(Reply r, int http, int code, String detailType) {
    assertThat(r.status).as(r.body).isEqualTo(http);
    JsonObject status = r.json();
    assertThat(status.get("code").getAsInt()).as(r.body).isEqualTo(code);
    assertThat(status.get("message").getAsString()).isNotBlank();
    if (detailType != null) {
      assertThat(status.getAsJsonArray("details").get(0).getAsJsonObject().get("@type").getAsString())
          .endsWith("." + detailType);
    }
  }

  record Reply(int status, String body, HttpHeaders headers) {
    JsonObject json() {
      return JsonParser.parseString(body).getAsJsonObject();
    }
  }

  private static Reply get(String path) {
    return send("GET", path, null, null);
  }

  private static Reply post(String path, String body) {
    return send("POST", path, body, null);
  }

  private static Reply delete(String path) {
    return send("DELETE", path, null, null);
  }

  private static Reply send(String method, String path, String body, String csrf) {
    int port = sundial.sundial().httpPort();
    return sendTo(port, method, path, body, csrf, null);
  }

  private static Reply sendTo(int port, String method, String path, String body, String csrf,
      String host) {
    return sendTo(port, method, path, body, csrf, host, Map.of());
  }

  private static Reply sendTo(int port, String method, String path, String body, String csrf,
      String host, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (csrf != null) b.header("X-CSRF-TOKEN", csrf).header("Cookie", "_csrf=" + csrf);
    if (host != null) b.header("Host", host);
    headers.forEach(b::header);
    HttpResponse<byte[]> r = raw(port, b.build());
    return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r.headers());
  }

  private static HttpResponse<byte[]> raw(int port, HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String gunzip(byte[] bytes) {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
