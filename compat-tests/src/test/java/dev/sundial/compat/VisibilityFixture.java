package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.CompleteWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.ContinueAsNewWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.FailWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.StartChildWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.UpsertWorkflowSearchAttributesCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.common.SearchAttributes;
import io.temporal.internal.common.SearchAttributesUtil;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;

/**
 * The runs the visibility tests query: 36 workflows over two queues and three types with every
 * kind of custom search attribute, closed in every way, plus the helpers that read them back.
 * Populated once per test class into that class's server.
 */
final class VisibilityFixture {
  private VisibilityFixture() {}

  /** The server of the test class being run (set by {@link #populate}). */
  static CompatServer sundial;

  static final String NS = CompatServer.NAMESPACE;

  static final String QUEUE_A = "vis-q-a";

  static final String QUEUE_B = "vis-q-b";

  static final String[] TYPES = {"OrderWorkflow", "PaymentWorkflow", "ShippingWorkflow"};

  static final String[] TEXTS = {"alpha beta", "beta gamma", "gamma delta", "Delta-Epsilon zeta"};

  static final int N = 36;

  static final OffsetDateTime BASE = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  static final SearchAttributeKey<String> KEYWORD = SearchAttributeKey.forKeyword("CustomKeyword");

  static final SearchAttributeKey<String> TEXT = SearchAttributeKey.forText("CustomText");

  static final SearchAttributeKey<Long> INT = SearchAttributeKey.forLong("CustomInt");

  static final SearchAttributeKey<Double> DOUBLE = SearchAttributeKey.forDouble("CustomDouble");

  static final SearchAttributeKey<Boolean> BOOL = SearchAttributeKey.forBoolean("CustomBool");

  static final SearchAttributeKey<OffsetDateTime> DATETIME =
      SearchAttributeKey.forOffsetDateTime("CustomDatetime");

  static final SearchAttributeKey<List<String>> LIST =
      SearchAttributeKey.forKeywordList("CustomKeywordList");

  /** One run as the test expects to find it. */
  static final class Run {
    String workflowId;
    String runId;
    String type;
    String queue;
    WorkflowExecutionStatus status;
    long start;
    long execution;
    Long close;
    long historyLength;
    long historySize;
    long transitions;
    String parentWf;
    String parentRun;
    String rootWf;
    String rootRun;
    final Map<String, Object> sa = new HashMap<>();

    String kw() {
      return (String) sa.get("CustomKeyword");
    }

    Long i() {
      return (Long) sa.get("CustomInt");
    }

    Double d() {
      return (Double) sa.get("CustomDouble");
    }

    Boolean b() {
      return (Boolean) sa.get("CustomBool");
    }

    Long dt() {
      return (Long) sa.get("CustomDatetime");
    }

    @SuppressWarnings("unchecked")
    List<String> kl() {
      return (List<String>) sa.get("CustomKeywordList");
    }

    String text() {
      return (String) sa.get("CustomText");
    }

    Long duration() {
      return close == null ? null : Math.max(0, close - execution);
    }

    @Override
    public String toString() {
      return workflowId + "/" + runId.substring(0, 8);
    }
  }

  /** What the generator gives execution i before it runs. */
  static Map<String, Object> attributes(int i) {
    Map<String, Object> sa = new LinkedHashMap<>();
    if (i % 5 != 0) sa.put("CustomKeyword", "kw-" + (i % 4));
    if (i % 7 != 0) sa.put("CustomInt", (long) i);
    sa.put("CustomDouble", i * 1.5);
    sa.put("CustomBool", i % 2 == 0);
    sa.put("CustomDatetime", nanos(BASE.plusHours(i).toInstant()));
    if (i % 6 != 0) sa.put("CustomKeywordList", List.of("tag" + (i % 3), "all"));
    if (i % 9 != 0) sa.put("CustomText", TEXTS[i % 4]);
    return sa;
  }

  /** The end state of execution i: by i % 6, Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew. */
  static int plan(int i) {
    return i % 6;
  }

  static final Map<String, Run> runs = new LinkedHashMap<>();

  static WorkflowServiceGrpc.WorkflowServiceBlockingStub stub;

  static String parentRunId;

  // ------------------------------------------------------------------ population

  /** Registers the search attributes and writes the runs; called by each test class's @BeforeAll. */
  static void populate(CompatServer server) throws Exception {
    sundial = server;
    runs.clear();
    workflowOfRun.clear();
    stub = sundial.blockingStub();
    OperatorServiceGrpc.OperatorServiceBlockingStub operator =
        OperatorServiceGrpc.newBlockingStub(sundial.stubs().getRawChannel());
    operator.addSearchAttributes(
        AddSearchAttributesRequest.newBuilder()
            .setNamespace(NS)
            .putSearchAttributes("CustomKeyword", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .putSearchAttributes("CustomText", IndexedValueType.INDEXED_VALUE_TYPE_TEXT)
            .putSearchAttributes("CustomInt", IndexedValueType.INDEXED_VALUE_TYPE_INT)
            .putSearchAttributes("CustomDouble", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE)
            .putSearchAttributes("CustomBool", IndexedValueType.INDEXED_VALUE_TYPE_BOOL)
            .putSearchAttributes("CustomDatetime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
            .putSearchAttributes(
                "CustomKeywordList", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST)
            .build());

    // Two runs that time out (no worker answers before their 1 s run timeout).
    Map<String, Map<String, Object>> generated = new HashMap<>();
    for (int k = 0; k < 2; k++) {
      String id = "vis-timeout-" + k;
      stub.startWorkflowExecution(
          StartWorkflowExecutionRequest.newBuilder()
              .setNamespace(NS)
              .setWorkflowId(id)
              .setWorkflowType(WorkflowType.newBuilder().setName("TimeoutWorkflow"))
              .setTaskQueue(TaskQueue.newBuilder().setName("vis-q-nobody"))
              .setWorkflowRunTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
              .setRequestId("timeout-" + k)
              .build());
      generated.put(id, Map.of());
    }

    // The main population, started through the SDK client with typed search attributes.
    Map<String, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < N; i++) {
      String id = String.format("vis-%02d", i);
      Map<String, Object> sa = attributes(i);
      SearchAttributes.Builder typed = SearchAttributes.newBuilder();
      if (sa.containsKey("CustomKeyword")) typed.set(KEYWORD, (String) sa.get("CustomKeyword"));
      if (sa.containsKey("CustomInt")) typed.set(INT, (Long) sa.get("CustomInt"));
      typed.set(DOUBLE, (Double) sa.get("CustomDouble"));
      typed.set(BOOL, (Boolean) sa.get("CustomBool"));
      typed.set(DATETIME, BASE.plusHours(i));
      if (sa.containsKey("CustomKeywordList")) {
        @SuppressWarnings("unchecked")
        List<String> l = (List<String>) sa.get("CustomKeywordList");
        typed.set(LIST, l);
      }
      if (sa.containsKey("CustomText")) typed.set(TEXT, (String) sa.get("CustomText"));
      sundial
          .client()
          .newUntypedWorkflowStub(
              TYPES[i % 3],
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(i % 2 == 0 ? QUEUE_A : QUEUE_B)
                  .setTypedSearchAttributes(typed.build())
                  .build())
          .start();
      generated.put(id, sa);
      indexOf.put(id, i);
      if (plan(i) == 4) {
        stub.terminateWorkflowExecution(
            TerminateWorkflowExecutionRequest.newBuilder()
                .setNamespace(NS)
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                .setReason("population")
                .build());
      }
    }
    // A parent that starts a child in its own queue and then completes (the child stays open).
    stub.startWorkflowExecution(
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(NS)
            .setWorkflowId("vis-parent")
            .setWorkflowType(WorkflowType.newBuilder().setName("ParentWorkflow"))
            .setTaskQueue(TaskQueue.newBuilder().setName(QUEUE_A))
            .setRequestId("parent")
            .build());
    generated.put("vis-parent", Map.of());
    generated.put("vis-child", Map.of("CustomKeyword", "child"));

    // Drive workflow tasks: each first task by plan; continued runs and the child stay open.
    Set<String> pending = new HashSet<>();
    for (int i = 0; i < N; i++) {
      if (plan(i) != 4) pending.add(String.format("vis-%02d", i));
    }
    pending.add("vis-parent");
    Set<String> continued = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!pending.isEmpty()) {
      assertThat(System.nanoTime()).as("population tasks left: " + pending).isLessThan(deadline);
      for (String queue : new String[] {QUEUE_A, QUEUE_B}) {
        PollWorkflowTaskQueueResponse task = poll(queue);
        if (task == null) continue;
        String id = task.getWorkflowExecution().getWorkflowId();
        List<Command> commands = new ArrayList<>();
        if (id.equals("vis-parent")) {
          boolean childStarted =
              task.getHistory().getEventsList().stream()
                  .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED);
          boolean childInitiated =
              task.getHistory().getEventsList().stream()
                  .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
          if (childStarted) {
            commands.add(complete());
            pending.remove(id);
          } else if (!childInitiated) {
            commands.add(
                Command.newBuilder()
                    .setCommandType(CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION)
                    .setStartChildWorkflowExecutionCommandAttributes(
                        StartChildWorkflowExecutionCommandAttributes.newBuilder()
                            .setWorkflowId("vis-child")
                            .setWorkflowType(WorkflowType.newBuilder().setName("ChildWorkflow"))
                            .setTaskQueue(TaskQueue.newBuilder().setName("vis-q-child"))
                            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                            .setSearchAttributes(
                                SearchAttributesUtil.encodeTyped(
                                    SearchAttributes.newBuilder().set(KEYWORD, "child").build())))
                    .build());
          }
          respond(task, commands);
          continue;
        }
        if (continued.contains(task.getWorkflowExecution().getRunId()) || !pending.contains(id)) {
          respond(task, commands); // a continued run: stays running
          continue;
        }
        int i = indexOf.get(id);
        if (i % 12 == 1) {
          // Completed after upserting: CustomKeyword changes, CustomInt is removed.
          commands.add(
              Command.newBuilder()
                  .setCommandType(CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
                  .setUpsertWorkflowSearchAttributesCommandAttributes(
                      UpsertWorkflowSearchAttributesCommandAttributes.newBuilder()
                          .setSearchAttributes(
                              SearchAttributesUtil.encodeTypedUpdates(
                                  SearchAttributeUpdate.valueSet(KEYWORD, "upserted"),
                                  SearchAttributeUpdate.valueUnset(INT))))
                  .build());
          Map<String, Object> sa = new LinkedHashMap<>(generated.get(id));
          sa.put("CustomKeyword", "upserted");
          sa.remove("CustomInt");
          generated.put(id, sa);
        }
        switch (plan(i)) {
          case 1 -> commands.add(complete());
          case 2 ->
              commands.add(
                  Command.newBuilder()
                      .setCommandType(CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION)
                      .setFailWorkflowExecutionCommandAttributes(
                          FailWorkflowExecutionCommandAttributes.newBuilder()
                              .setFailure(Failure.newBuilder().setMessage("planned failure")))
                      .build());
          case 3 ->
              commands.add(
                  Command.newBuilder()
                      .setCommandType(CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION)
                      .build());
          case 5 ->
              commands.add(
                  Command.newBuilder()
                      .setCommandType(CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION)
                      .setContinueAsNewWorkflowExecutionCommandAttributes(
                          ContinueAsNewWorkflowExecutionCommandAttributes.newBuilder()
                              .setWorkflowType(WorkflowType.newBuilder().setName(TYPES[i % 3]))
                              .setTaskQueue(TaskQueue.newBuilder().setName(queue)))
                      .build());
          default -> {}
        }
        respond(task, commands);
        pending.remove(id);
        if (plan(i) == 5) {
          String next = describeCurrent(id).getExecution().getRunId();
          continued.add(next);
          workflowOfRun.put(next, id);
        }
      }
    }
    // Continued runs get their first task answered (so they are quiet), then the timeouts fire.
    CompatServer.await(Duration.ofSeconds(30), "continued runs answered", () -> {
      for (String queue : new String[] {QUEUE_A, QUEUE_B}) {
        PollWorkflowTaskQueueResponse task = poll(queue);
        if (task != null) respond(task, List.of());
      }
      return continued.stream().allMatch(VisibilityFixture::firstTaskDone);
    });
    CompatServer.await(Duration.ofSeconds(30), "runs timed out", () ->
        describeCurrent("vis-timeout-0").getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT
            && describeCurrent("vis-timeout-1").getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
    CompatServer.await(Duration.ofSeconds(30), "child started", () -> {
      try {
        describeCurrent("vis-child");
        return true;
      } catch (StatusRuntimeException e) {
        return false;
      }
    });

    // The model: every run of every workflow id, described from its state (not visibility).
    for (var e : generated.entrySet()) {
      String id = e.getKey();
      WorkflowExecutionInfo current = describeCurrent(id);
      List<String> runIds = new ArrayList<>();
      runIds.add(current.getExecution().getRunId());
      if (!current.getFirstRunId().equals(current.getExecution().getRunId())) {
        runIds.add(current.getFirstRunId()); // continued-as-new: first run plus current one
      }
      for (String runId : runIds) {
        WorkflowExecutionInfo info =
            runId.equals(current.getExecution().getRunId()) ? current : describe(id, runId);
        Run r = new Run();
        r.workflowId = id;
        r.runId = runId;
        r.type = info.getType().getName();
        r.queue = info.getTaskQueue();
        r.status = info.getStatus();
        r.start = nanos(info.getStartTime());
        r.execution = nanos(info.getExecutionTime());
        r.close = info.hasCloseTime() ? nanos(info.getCloseTime()) : null;
        r.historyLength = info.getHistoryLength();
        r.historySize = info.getHistorySizeBytes();
        r.transitions = info.getStateTransitionCount();
        if (r.close == null) {
          // As in Temporal, an open run's visibility row is written when the run starts, when its
          // search attributes or memo change, and when it closes: its history length and state
          // transition count are those of that moment, not of every later transition.
          WorkflowExecutionInfo listed =
              listAll("RunId = '" + runId + "'", 10).stream().findFirst().orElseThrow();
          r.historyLength = listed.getHistoryLength();
          r.historySize = listed.getHistorySizeBytes();
          r.transitions = listed.getStateTransitionCount();
          assertThat(r.historyLength).as("history length recorded for %s", id)
              .isPositive().isLessThanOrEqualTo(info.getHistoryLength());
        }
        if (info.hasParentExecution()) {
          r.parentWf = info.getParentExecution().getWorkflowId();
          r.parentRun = info.getParentExecution().getRunId();
        }
        r.rootWf = info.getRootExecution().getWorkflowId();
        r.rootRun = info.getRootExecution().getRunId();
        r.sa.putAll(e.getValue());
        runs.put(runId, r);
      }
    }
    parentRunId = describeCurrent("vis-parent").getExecution().getRunId();
    assertThat(runs).hasSize(N + 2 + 2 + N / 6); // + timeouts, parent/child, continued runs
  }

  static boolean firstTaskDone(String runId) {
    var history =
        stub.getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(NS)
                .setExecution(executionOfRun(runId))
                .build());
    return history.getHistory().getEventsList().stream()
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  }

  static final Map<String, String> workflowOfRun = new HashMap<>();

  static WorkflowExecution executionOfRun(String runId) {
    return WorkflowExecution.newBuilder()
        .setWorkflowId(workflowOfRun.get(runId))
        .setRunId(runId)
        .build();
  }

  static PollWorkflowTaskQueueResponse poll(String queue) {
    try {
      PollWorkflowTaskQueueResponse r =
          stub.withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
              .pollWorkflowTaskQueue(
                  PollWorkflowTaskQueueRequest.newBuilder()
                      .setNamespace(NS)
                      .setTaskQueue(TaskQueue.newBuilder().setName(queue))
                      .setIdentity("visibility-test")
                      .build());
      if (r.getTaskToken().isEmpty()) return null;
      workflowOfRun.put(r.getWorkflowExecution().getRunId(), r.getWorkflowExecution().getWorkflowId());
      return r;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) return null;
      throw e;
    }
  }

  static void respond(PollWorkflowTaskQueueResponse task, List<Command> commands) {
    stub.respondWorkflowTaskCompleted(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace(NS)
            .setTaskToken(task.getTaskToken())
            .addAllCommands(commands)
            .setIdentity("visibility-test")
            .build());
  }

  static Command complete() {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION)
        .setCompleteWorkflowExecutionCommandAttributes(
            CompleteWorkflowExecutionCommandAttributes.getDefaultInstance())
        .build();
  }

  static WorkflowExecutionInfo describeCurrent(String workflowId) {
    return sundial.describe(workflowId, null).getWorkflowExecutionInfo();
  }

  static WorkflowExecutionInfo describe(String workflowId, String runId) {
    return sundial.describe(workflowId, runId).getWorkflowExecutionInfo();
  }

  static long nanos(Timestamp t) {
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static String time(long nanos) {
    return Instant.ofEpochSecond(0, nanos).toString();
  }

  static String shortName(WorkflowExecutionStatus s) {
    StringBuilder b = new StringBuilder();
    for (String part : s.name().substring("WORKFLOW_EXECUTION_STATUS_".length()).split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase());
    }
    return b.toString();
  }

  static Timestamp timestamp(long nanos) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
        .setNanos((int) Math.floorMod(nanos, 1_000_000_000L))
        .build();
  }

  static Set<String> ids(List<WorkflowExecutionInfo> infos) {
    return infos.stream().map(i -> i.getExecution().getRunId()).collect(Collectors.toSet());
  }

  // ------------------------------------------------------------------ helpers

  static List<WorkflowExecutionInfo> listAll(String query, int pageSize) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          stub.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(NS)
                  .setQuery(query)
                  .setPageSize(pageSize)
                  .setNextPageToken(token)
                  .build());
      all.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    // The late arrival of the paging test is not part of the model.
    all.removeIf(i -> i.getType().getName().equals("LateWorkflow"));
    return all;
  }

  static String names(Set<String> runIds) {
    return runIds.stream()
        .map(id -> runs.containsKey(id) ? runs.get(id).toString() : id)
        .sorted()
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
