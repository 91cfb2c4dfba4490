package dev.sundial.bench.jmh;

import com.google.protobuf.ByteString;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.MutableStateCodec;
import dev.sundial.engine.visibility.query.QueryParser;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hot-path codecs in isolation: the mutable state encoding written on every state transition and
 * read back on every cache miss, and the list-filter parser every visibility query goes through.
 * Run: {@code java -cp bench/target/bench-*-all.jar org.openjdk.jmh.Main CodecBenchmarks -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmarks {
  static final String QUERY =
      "WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' AND StartTime > "
          + "'2026-01-01T00:00:00Z' AND (CustomKeywordField IN ('a', 'b') OR CustomIntField >= 10)"
          + " ORDER BY StartTime DESC";

  MutableState state;
  byte[] encoded;

  /** A workflow as the activities workload leaves it: 1 KB input, one activity in flight. */
  static MutableState typicalState() {
    Payloads input = Payloads.newBuilder()
        .addPayloads(Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(new byte[1024])))
        .build();
    MutableState s = new MutableState();
    s.namespaceId = "6f1c2a9e-3b5d-4c6e-8f70-112233445566";
    s.workflowId = "order-000123";
    s.runId = "0b7e9c1d-2f3a-4b5c-9d8e-7f6a5b4c3d2e";
    s.firstExecutionRunId = s.runId;
    s.startRequestId = "req-1";
    s.started = WorkflowExecutionStartedEventAttributes.newBuilder()
        .setWorkflowType(WorkflowType.newBuilder().setName("OrderWorkflow"))
        .setTaskQueue(TaskQueue.newBuilder().setName("orders"))
        .setInput(input)
        .setAttempt(1)
        .build();
    s.startTime = 1_795_000_000_000L;
    s.executionTime = s.startTime;
    s.nextEventId = 6;
    s.historySizeBytes = 2048;
    s.lastCompletedStartedEventId = 3;
    s.stickyQueue = "sticky-worker-1";
    ActivityInfo a = new ActivityInfo();
    a.scheduledEventId = 5;
    a.scheduled = ActivityTaskScheduledEventAttributes.newBuilder()
        .setActivityId("5")
        .setActivityType(ActivityType.newBuilder().setName("Charge"))
        .setTaskQueue(TaskQueue.newBuilder().setName("orders"))
        .setInput(input)
        .build();
    a.firstScheduledTime = s.startTime;
    a.attemptScheduledTime = s.startTime;
    a.startedTime = s.startTime + 5;
    a.startedIdentity = "worker-1@host";
    s.activities.put(5L, a);
    return s;
  }

  @Setup
  public void setUp() {
    state = typicalState();
    encoded = MutableStateCodec.encode(state);
  }

  @Benchmark
  public byte[] encodeState() {
    return MutableStateCodec.encode(state);
  }

  @Benchmark
  public MutableState decodeState() {
    return MutableStateCodec.decode(encoded, 1);
  }

  @Benchmark
  public Object parseQuery() {
    return QueryParser.parse(QUERY);
  }
}
