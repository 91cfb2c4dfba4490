package dev.sundial.bench;

import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code query}: starts C long-running workflows (each waits for a "finish" signal), answers one
 * untimed query from each so they are running, then the C client threads issue Q queries
 * round-robin over them (unit = one query; latency = the SDK's query call, request to answer).
 * At the end every workflow is signalled to finish and its result checked; a workflow that does
 * not finish correctly counts as an error.
 */
final class WorkloadQuery extends Workload {

  /** The workflow under load. */
  @WorkflowInterface
  public interface QueryWorkflow {
    String TYPE = "SundialBenchQueryable";
    String QUERY = "SundialBenchQuery";
    String FINISH = "SundialBenchFinish";

    @WorkflowMethod(name = TYPE)
    String run(String tag);

    @QueryMethod(name = QUERY)
    String tag();

    @SignalMethod(name = FINISH)
    void finish();
  }

  /** Waits for the finish signal; the query answers the workflow's input. */
  public static final class QueryWorkflowImpl implements QueryWorkflow {
    private String tag;
    private boolean finished;

    @Override
    public String run(String tag) {
      this.tag = tag;
      Workflow.await(() -> finished);
      return tag;
    }

    @Override
    public String tag() {
      return tag;
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  private final int workflows;
  private final int queries;
  private final List<WorkflowStub> stubs = new ArrayList<>();

  WorkloadQuery(int concurrency, int queries) {
    this.workflows = concurrency;
    this.queries = queries;
  }

  @Override
  void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(QueryWorkflowImpl.class);
  }

  @Override
  String describe() {
    return queries + " queries round-robin over " + workflows + " running workflows";
  }

  @Override
  String unit() {
    return "query";
  }

  @Override
  String latencyMeaning() {
    return "query request to answer";
  }

  @Override
  int units(int ignoredWorkflows) {
    return queries;
  }

  @Override
  int workflowsStarted(int ignoredWorkflows) {
    return workflows;
  }

  @Override
  void setUp() {
    for (int i = 0; i < workflows; i++) {
      WorkflowStub stub =
          client.newUntypedWorkflowStub(QueryWorkflow.TYPE, options(i, Duration.ZERO));
      stub.start(tag(i));
      stubs.add(stub);
    }
    // The first query of each waits for its first workflow task; keep that out of the numbers.
    for (int i = 0; i < workflows; i++) {
      expect(tag(i), stubs.get(i).query(QueryWorkflow.QUERY, String.class), "warm-up query");
    }
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    int w = i % workflows;
    remaining(deadlineNanos);
    long start = System.nanoTime();
    String answer = stubs.get(w).query(QueryWorkflow.QUERY, String.class);
    long latency = System.nanoTime() - start;
    expect(tag(w), answer, "query answer");
    return latency;
  }

  @Override
  void tearDown(LoadRun run) {
    for (WorkflowStub stub : stubs) {
      try {
        stub.signal(QueryWorkflow.FINISH);
      } catch (RuntimeException e) {
        run.fail("finish signal: " + LoadRun.describe(e));
      }
    }
    for (int i = 0; i < stubs.size(); i++) {
      try {
        String result = stubs.get(i).getResult(30, TimeUnit.SECONDS, String.class);
        if (!tag(i).equals(result)) {
          run.fail("wrong result: queried workflow's result");
        }
      } catch (TimeoutException | RuntimeException e) {
        run.fail("finishing queried workflow: " + LoadRun.describe(e));
      }
    }
  }

  private String tag(int i) {
    return runId + "-tag-" + i;
  }

  @Override
  void json(Map<String, Object> fields) {
    fields.put("queries", queries);
  }
}
