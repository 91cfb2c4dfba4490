package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleBackfill;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal schedules through the official Java SDK's {@link ScheduleClient}: actions at spec
 * times, overlap policies against a workflow longer than the interval, backfill, trigger, pause,
 * limited actions, and a schedule that keeps firing (and catches up) across a kill -9 of the
 * server (describe, list, delete, matching times and errors: ScheduleApiTest).
 */
class ScheduleTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  /** Workflow ids that ran, counted per id (across all tests of the class). */
  static final Map<String, Integer> RAN = new ConcurrentHashMap<>();

  private static final Pattern SCHEDULED_ID =
      Pattern.compile(".*-\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");

  @WorkflowInterface
  public interface Quick {
    @WorkflowMethod
    String run();
  }

  public static class QuickImpl implements Quick {
    @Override
    public String run() {
      RAN.merge(Workflow.getInfo().getWorkflowId(), 1, Integer::sum);
      return "ok";
    }
  }

  @WorkflowInterface
  public interface Sleepy {
    @WorkflowMethod
    void run();
  }

  public static class SleepyImpl implements Sleepy {
    @Override
    public void run() {
      Workflow.sleep(Duration.ofMillis(2500));
    }
  }

  @WorkflowInterface
  public interface Counter {
    @WorkflowMethod
    int run();
  }

  public static class CounterImpl implements Counter {
    @Override
    public int run() {
      Integer last = Workflow.getLastCompletionResult(Integer.class);
      return (last == null ? 0 : last) + 1;
    }
  }

  static ScheduleClient schedules(CompatServer sundial) {
    return ScheduleClient.newInstance(
        sundial.stubs(),
        ScheduleClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
  }

  static Schedule.Builder schedule(Class<?> workflow, String workflowId, String queue, ScheduleSpec spec) {
    return Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(workflow)
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(queue).build())
            .build())
        .setSpec(spec);
  }

  static ScheduleSpec everySeconds(long s) {
    return ScheduleSpec.newBuilder()
        .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofSeconds(s))))
        .build();
  }

  private static SchedulePolicy overlap(ScheduleOverlapPolicy p) {
    return SchedulePolicy.newBuilder().setOverlap(p).build();
  }

  private static List<String> startedIds(ScheduleDescription d) {
    return d.getInfo().getRecentActions().stream()
        .map(a -> ((ScheduleActionExecutionStartWorkflow) a.getAction()).getWorkflowId())
        .collect(Collectors.toList());
  }

  private static String at(String base, Instant t) {
    return base + "-" + t.truncatedTo(ChronoUnit.SECONDS);
  }

  private static boolean exists(String workflowId) {
    try {
      sundial.describe(workflowId, null);
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return false;
      throw e;
    }
  }

  static Status.Code code(Throwable t) {
    while (t != null && !(t instanceof StatusRuntimeException)) t = t.getCause();
    return t == null ? null : ((StatusRuntimeException) t).getStatus().getCode();
  }

  // ------------------------------------------------------------------ firing

  @Test
  void everySecondScheduleStartsTheWorkflowsItShould() {
    sundial.worker().registerWorkflowImplementationTypes(QuickImpl.class);
    sundial.startWorkers();
    String wf = sundial.newWorkflowId("tick");
    // ALLOW_ALL: a slow run on a busy machine must not turn into a skipped second here.
    ScheduleHandle handle = schedules(sundial).createSchedule(sundial.newWorkflowId("every-second"),
        schedule(Quick.class, wf, sundial.taskQueue(), everySeconds(1))
            .setPolicy(overlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)).build(),
        ScheduleOptions.newBuilder().build());

    CompatServer.await(Duration.ofSeconds(15), "three scheduled runs",
        () -> RAN.keySet().stream().filter(id -> id.startsWith(wf + "-")).count() >= 3);
    ScheduleDescription d = handle.describe();
    assertThat(d.getInfo().getNumActions()).isGreaterThanOrEqualTo(3);
    List<String> ids = startedIds(d);
    assertThat(ids).allMatch(id -> SCHEDULED_ID.matcher(id).matches() && id.startsWith(wf + "-"));
    // One run per second: consecutive nominal times, no gaps, no duplicates.
    List<Instant> times = ids.stream().map(id -> Instant.parse(id.substring(wf.length() + 1))).toList();
    for (int i = 1; i < times.size(); i++) {
      assertThat(Duration.between(times.get(i - 1), times.get(i))).isEqualTo(Duration.ofSeconds(1));
    }
    for (ScheduleActionResult a : d.getInfo().getRecentActions()) {
      assertThat(a.getScheduledAt()).isEqualTo(a.getScheduledAt().truncatedTo(ChronoUnit.SECONDS));
      assertThat(a.getStartedAt()).isAfterOrEqualTo(a.getScheduledAt());
    }
    // Describe looks ahead: the next ten seconds.
    List<Instant> next = d.getInfo().getNextActionTimes();
    assertThat(next).hasSize(10);
    assertThat(next.get(0)).isAfter(times.get(times.size() - 1));
    assertThat(Duration.between(next.get(0), next.get(9))).isEqualTo(Duration.ofSeconds(9));
    assertThat(d.getInfo().getCreatedAt()).isNotNull();
    // The scheduled workflow carries the schedule's search attributes.
    DescribeWorkflowExecutionResponse w = sundial.describe(ids.get(0), null);
    assertThat(w.getWorkflowExecutionInfo().getSearchAttributes().getIndexedFieldsMap())
        .containsKeys("TemporalScheduledById", "TemporalScheduledStartTime");
    handle.delete();
    assertThat(RAN.entrySet().stream().filter(e -> e.getKey().startsWith(wf + "-")))
        .allMatch(e -> e.getValue() == 1);
    assertThat(sundial.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
        .getCapabilities().getSupportsSchedules()).isTrue();
  }

  @Test
  void eachRunSeesTheLastCompletionResult() {
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.startWorkers();
    ScheduleHandle handle = schedules(sundial).createSchedule(sundial.newWorkflowId("counting"),
        schedule(Counter.class, sundial.newWorkflowId("counter"), sundial.taskQueue(), everySeconds(1))
            .build(),
        ScheduleOptions.newBuilder().build());
    CompatServer.await(Duration.ofSeconds(15), "three completed runs",
        () -> handle.describe().getInfo().getRecentActions().size() >= 4);
    handle.pause();
    List<String> ids = startedIds(handle.describe());
    List<Integer> results = new ArrayList<>();
    for (String id : ids.subList(0, 3)) {
      results.add(sundial.client().newUntypedWorkflowStub(id).getResult(Integer.class));
    }
    assertThat(results).containsExactly(1, 2, 3);
    handle.delete();
  }

  /** The start and close of each run, ordered by start (close is MAX while running). */
  private record Run(String id, long start, long close) {}

  private static List<Run> runs(ScheduleDescription d) {
    List<Run> out = new ArrayList<>();
    for (String id : startedIds(d)) {
      var info = sundial.describe(id, null).getWorkflowExecutionInfo();
      out.add(new Run(id, Timestamps.toMillis(info.getStartTime()),
          info.hasCloseTime() && Timestamps.toMillis(info.getCloseTime()) > 0
              ? Timestamps.toMillis(info.getCloseTime()) : Long.MAX_VALUE));
    }
    out.sort(Comparator.comparingLong(Run::start));
    return out;
  }

  /**
   * A buffered BUFFER_ONE start waits for a 2.5 s run that began a second before its time, so it
   * starts at least 1.5 s late; on-time starts are taken within milliseconds.
   */
  private static final long LATE_MILLIS = 1300;

  private static boolean overlapping(List<Run> runs) {
    for (int i = 1; i < runs.size(); i++) {
      if (runs.get(i).start() < runs.get(i - 1).close()) return true;
    }
    return false;
  }

  @Test
  void overlapPoliciesSkipBufferOneAndAllowAll() {
    sundial.worker().registerWorkflowImplementationTypes(SleepyImpl.class);
    sundial.startWorkers();
    ScheduleClient client = schedules(sundial);
    Map<ScheduleOverlapPolicy, ScheduleHandle> handles = new LinkedHashMap<>();
    for (ScheduleOverlapPolicy p : List.of(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP,
        ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE,
        ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)) {
      handles.put(p, client.createSchedule(sundial.newWorkflowId("overlap-" + p.name()),
          schedule(Sleepy.class, sundial.newWorkflowId("sleepy-" + p.name()), sundial.taskQueue(),
              everySeconds(1)).setPolicy(overlap(p)).build(),
          ScheduleOptions.newBuilder().build()));
    }
    ScheduleHandle skip = handles.get(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    ScheduleHandle one = handles.get(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE);
    ScheduleHandle all = handles.get(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
    // Until the buffered start of BUFFER_ONE has run late (after the first 2.5 s run ended).
    CompatServer.await(Duration.ofSeconds(20), "a late buffered start",
        () -> one.describe().getInfo().getRecentActions().stream().anyMatch(
            a -> Duration.between(a.getScheduledAt(), a.getStartedAt()).toMillis() >= LATE_MILLIS));
    handles.values().forEach(h -> h.pause("observed"));

    ScheduleDescription ds = skip.describe();
    ScheduleDescription d1 = one.describe();
    ScheduleDescription da = all.describe();
    // SKIP: times that came while a run was going on are dropped; runs never overlap.
    assertThat(ds.getInfo().getNumActionsSkippedOverlap()).isGreaterThanOrEqualTo(1);
    assertThat(overlapping(runs(ds))).isFalse();
    assertThat(ds.getInfo().getRecentActions())
        .allMatch(a -> Duration.between(a.getScheduledAt(), a.getStartedAt()).toMillis() < LATE_MILLIS);
    // BUFFER_ONE: one start waits for the running one to finish (and starts late), the
    // rest are skipped; runs never overlap.
    assertThat(d1.getInfo().getNumActionsSkippedOverlap()).isGreaterThanOrEqualTo(1);
    assertThat(overlapping(runs(d1))).isFalse();
    // ALLOW_ALL: every time starts on time and runs overlap; nothing is skipped.
    assertThat(da.getInfo().getNumActionsSkippedOverlap()).isZero();
    assertThat(da.getInfo().getNumActions())
        .isGreaterThan(ds.getInfo().getNumActions());
    assertThat(overlapping(runs(da))).isTrue();
    assertThat(da.getInfo().getRecentActions())
        .allMatch(a -> Duration.between(a.getScheduledAt(), a.getStartedAt()).toMillis() < LATE_MILLIS);
    handles.values().forEach(ScheduleHandle::delete);
  }

  @Test
  void backfillStartsOneRunPerSpecTimeInTheRange() {
    String wf = sundial.newWorkflowId("backfilled");
    ScheduleSpec daily = ScheduleSpec.newBuilder().setCronExpressions(List.of("0 0 * * *")).build();
    ScheduleHandle handle = schedules(sundial).createSchedule(sundial.newWorkflowId("backfill"),
        schedule(Quick.class, wf, sundial.taskQueue(), daily)
            .setState(ScheduleState.newBuilder().setPaused(true).setNote("only backfills").build())
            .build(),
        ScheduleOptions.newBuilder().build());
    handle.backfill(List.of(new ScheduleBackfill(Instant.parse("2024-01-01T00:00:00Z"),
        Instant.parse("2024-01-03T12:00:00Z"), ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)));
    CompatServer.await(Duration.ofSeconds(10), "three backfilled runs",
        () -> handle.describe().getInfo().getNumActions() == 3);
    for (String day : List.of("2024-01-01", "2024-01-02", "2024-01-03")) {
      assertThat(exists(wf + "-" + day + "T00:00:00Z")).as(day).isTrue();
    }
    assertThat(exists(wf + "-2023-12-31T00:00:00Z")).isFalse();
    assertThat(exists(wf + "-2024-01-04T00:00:00Z")).isFalse();
    ScheduleDescription d = handle.describe();
    assertThat(d.getSchedule().getState().isPaused()).isTrue(); // backfills run even while paused
    handle.delete();
  }

  @Test
  void triggerImmediatelyAtCreationAndLater() throws Exception {
    String wf = sundial.newWorkflowId("triggered");
    ScheduleSpec yearly = ScheduleSpec.newBuilder().setCronExpressions(List.of("@yearly")).build();
    ScheduleHandle handle = schedules(sundial).createSchedule(sundial.newWorkflowId("trigger"),
        schedule(Quick.class, wf, sundial.taskQueue(), yearly)
            .setPolicy(overlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)).build(),
        ScheduleOptions.newBuilder().setTriggerImmediately(true).build());
    CompatServer.await(Duration.ofSeconds(10), "the run triggered at creation",
        () -> handle.describe().getInfo().getNumActions() == 1);
    TimeUnit.MILLISECONDS.sleep(1100); // another second: another workflow id
    handle.trigger();
    ScheduleDescription d = handle.describe();
    assertThat(d.getInfo().getNumActions()).isEqualTo(2);
    List<String> ids = startedIds(d);
    assertThat(ids).hasSize(2).doesNotHaveDuplicates();
    assertThat(ids).allMatch(id -> SCHEDULED_ID.matcher(id).matches());
    for (String id : ids) assertThat(exists(id)).isTrue();
    // The next action is next new year.
    Instant newYear = Instant.parse((Year.now(ZoneOffset.UTC).getValue() + 1) + "-01-01T00:00:00Z");
    assertThat(d.getInfo().getNextActionTimes().get(0)).isEqualTo(newYear);
    handle.delete();
  }

  @Test
  void pauseAndUnpauseWithNotes() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(QuickImpl.class);
    sundial.startWorkers();
    String wf = sundial.newWorkflowId("pausable");
    ScheduleHandle handle = schedules(sundial).createSchedule(sundial.newWorkflowId("pause"),
        schedule(Quick.class, wf, sundial.taskQueue(), everySeconds(1)).build(),
        ScheduleOptions.newBuilder().build());
    CompatServer.await(Duration.ofSeconds(10), "a first run",
        () -> handle.describe().getInfo().getNumActions() >= 1);
    handle.pause("quiet please");
    ScheduleDescription paused = handle.describe();
    assertThat(paused.getSchedule().getState().isPaused()).isTrue();
    assertThat(paused.getSchedule().getState().getNote()).isEqualTo("quiet please");
    long actions = paused.getInfo().getNumActions();
    letScheduledSecondsPass(2);
    assertThat(handle.describe().getInfo().getNumActions()).isEqualTo(actions);
    handle.unpause("go on");
    ScheduleDescription resumed = handle.describe();
    assertThat(resumed.getSchedule().getState().isPaused()).isFalse();
    assertThat(resumed.getSchedule().getState().getNote()).isEqualTo("go on");
    CompatServer.await(Duration.ofSeconds(10), "runs after unpausing",
        () -> handle.describe().getInfo().getNumActions() >= actions + 1);
    // Time spent paused was skipped, not replayed: no burst of catch-up runs.
    assertThat(handle.describe().getInfo().getNumActions()).isLessThanOrEqualTo(actions + 2);
    handle.pause();
    assertThat(handle.describe().getSchedule().getState().getNote()).isEqualTo("Paused via Java SDK");
    handle.delete();
  }

  @Test
  void limitedActionsStopAfterN() {
    sundial.worker().registerWorkflowImplementationTypes(QuickImpl.class);
    sundial.startWorkers();
    String wf = sundial.newWorkflowId("limited");
    ScheduleHandle handle = schedules(sundial).createSchedule(sundial.newWorkflowId("limit"),
        schedule(Quick.class, wf, sundial.taskQueue(), everySeconds(1))
            .setState(ScheduleState.newBuilder().setLimitedAction(true).setRemainingActions(2).build())
            .build(),
        ScheduleOptions.newBuilder().build());
    CompatServer.await(Duration.ofSeconds(10), "two runs",
        () -> handle.describe().getInfo().getNumActions() == 2);
    ScheduleDescription d = handle.describe();
    assertThat(d.getSchedule().getState().getRemainingActions()).isZero();
    assertThat(d.getInfo().getNextActionTimes()).isEmpty();
    // Started is not yet run: wait until the worker has run both before counting.
    CompatServer.await(Duration.ofSeconds(10), "both runs executed", () -> ran(wf).size() == 2);
    letScheduledSecondsPass(2);
    assertThat(handle.describe().getInfo().getNumActions()).isEqualTo(2);
    assertThat(ran(wf)).hasSize(2);
    handle.delete();
  }

  // ------------------------------------------------------------------ across a kill -9

  @TempDir Path dir;

  @Test
  void keepsFiringAndCatchesUpAcrossKillNine() throws Exception {
    Path log = Paths.get("target", "schedule-restart", "server-" + System.currentTimeMillis() + ".log");
    try (SundialProcess server = new SundialProcess(SundialProcess.freePort(), dir.resolve("sundial.db"), log)) {
      server.start();
      server.awaitServing(Duration.ofSeconds(60));
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder()
              .setTarget(server.target())
              .setRpcTimeout(Duration.ofSeconds(10))
              .setConnectionBackoffResetFrequency(Duration.ofSeconds(1))
              .build());
      WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(
          stubs, WorkflowClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build()));
      try {
        String queue = "schedule-restart";
        factory.newWorker(queue).registerWorkflowImplementationTypes(QuickImpl.class);
        factory.start();
        ScheduleClient client = ScheduleClient.newInstance(stubs,
            ScheduleClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
        String wf = "restart-" + System.nanoTime();
        ScheduleHandle handle = client.createSchedule("restart-schedule",
            schedule(Quick.class, wf, queue, everySeconds(1))
                .setPolicy(SchedulePolicy.newBuilder()
                    .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)
                    .setCatchupWindow(Duration.ofSeconds(30)).build())
                .build(),
            ScheduleOptions.newBuilder().build());
        CompatServer.await(Duration.ofSeconds(15), "runs before the kill", () -> ran(wf).size() >= 2);

        server.kill();
        Instant killed = Instant.now();
        TimeUnit.MILLISECONDS.sleep(2500); // fires due meanwhile are missed...
        server.start();
        server.awaitServing(Duration.ofSeconds(60));
        Instant back = Instant.now();

        // ...and caught up after the restart (within the 30 s catch-up window), then it goes on.
        // (Runs execute concurrently, so wait until the worker has run every one up to the last.)
        CompatServer.await(Duration.ofSeconds(30), "gap-free runs after the restart",
            () -> ran(wf).stream().anyMatch(t -> t.isAfter(back.plusSeconds(1))) && gapFree(ran(wf)));
        List<Instant> times = ran(wf);
        Instant first = times.get(0);
        Instant last = times.get(times.size() - 1);
        Set<Instant> all = Set.copyOf(times);
        for (Instant t = first; !t.isAfter(last); t = t.plusSeconds(1)) {
          assertThat(all).as("a run for %s (killed at %s, back at %s)", t, killed, back).contains(t);
        }
        assertThat(times.stream().filter(t -> t.isAfter(killed) && t.isBefore(back))).isNotEmpty();
        // Exactly one run per fire time, counted by the server: workflow code itself may run again
        // legitimately (a replay, or a completion lost with the killed server), so RAN's counts can't tell.
        WorkflowClient workflows = WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
        Map<String, Long> runsPerId = workflows.listExecutions("WorkflowId STARTS_WITH '" + wf + "-'")
            .collect(Collectors.groupingBy(m -> m.getExecution().getWorkflowId(), Collectors.counting()));
        assertThat(runsPerId.keySet()).containsAll(
            times.stream().map(t -> wf + "-" + t).collect(Collectors.toList()));
        assertThat(runsPerId).allSatisfy((id, runs) -> assertThat(runs).as(id).isEqualTo(1L));
        ScheduleDescription d = handle.describe();
        assertThat(d.getInfo().getNumActionsMissedCatchupWindow()).isZero();
        handle.delete();
      } finally {
        factory.shutdownNow();
        factory.awaitTermination(10, TimeUnit.SECONDS);
        stubs.shutdownNow();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Waits until an unlimited every-second schedule has taken {@code n} actions: the scheduler has
   * processed n more fire times, so a schedule that should stay quiet has had its chance to misfire.
   */
  private void letScheduledSecondsPass(int n) {
    ScheduleHandle sentinel = schedules(sundial).createSchedule(sundial.newWorkflowId("sentinel"),
        schedule(Quick.class, sundial.newWorkflowId("sentinel-wf"), sundial.taskQueue(), everySeconds(1))
            .setPolicy(overlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)).build(),
        ScheduleOptions.newBuilder().build());
    CompatServer.await(Duration.ofSeconds(15), n + " fires of a sentinel schedule",
        () -> sentinel.describe().getInfo().getNumActions() >= n);
    sentinel.delete();
  }

  private static boolean gapFree(List<Instant> times) {
    for (int i = 1; i < times.size(); i++) {
      if (!times.get(i).equals(times.get(i - 1).plusSeconds(1))) return false;
    }
    return true;
  }

  /** Nominal times of the runs of a scheduled workflow id that have run, in order. */
  private static List<Instant> ran(String wf) {
    return RAN.keySet().stream()
        .filter(id -> id.startsWith(wf + "-"))
        .map(id -> Instant.parse(id.substring(wf.length() + 1)))
        .sorted()
        .collect(Collectors.toList());
  }
}
