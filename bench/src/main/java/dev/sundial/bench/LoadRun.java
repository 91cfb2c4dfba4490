package dev.sundial.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * C client threads, each running one unit of the workload at a time (usually: start a workflow
 * and wait for its result), until N units are done or the duration limit passes.
 */
final class LoadRun {

  /** What happened; latencies only of units that completed with the expected result. */
  record Result(
      int requested,
      int completed,
      int errors,
      int unfinished,
      double elapsedSeconds,
      LatencySummary latency,
      Map<String, Integer> errorKinds) {

    double throughput() {
      return elapsedSeconds <= 0 ? 0 : completed / elapsedSeconds;
    }
  }

  private static final long NOT_DONE = Long.MIN_VALUE;

  private final Workload workload;
  private final int units;
  private final int concurrency;
  private final Duration limit;

  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger unitErrors = new AtomicInteger(); // errors of units, not tear-down
  private final AtomicLong lastDoneNanos = new AtomicLong();
  private final Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
  private final long[] latencyNanos;

  LoadRun(Workload workload, int units, int concurrency, Duration limit) {
    this.workload = workload;
    this.units = units;
    this.concurrency = concurrency;
    this.limit = limit;
    this.latencyNanos = new long[units];
    Arrays.fill(latencyNanos, NOT_DONE);
  }

  int completedSoFar() {
    return completed.get();
  }

  int errorsSoFar() {
    return errors.get();
  }

  /** Counts one failure, grouped by kind in the report. Also used by workload tear-downs. */
  void fail(String kind) {
    errors.incrementAndGet();
    errorKinds.merge(kind, 1, Integer::sum);
  }

  Result run() throws InterruptedException {
    long begin = System.nanoTime();
    long deadline = begin + limit.toNanos();
    lastDoneNanos.set(begin);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "bench-client");
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < concurrency; i++) {
      threads.execute(() -> clientLoop(deadline));
    }
    threads.shutdown();
    // Client calls are bounded by the deadline; allow some grace for a call already in flight.
    long graceNanos = Duration.ofSeconds(30).toNanos();
    if (!threads.awaitTermination(limit.toNanos() + graceNanos, TimeUnit.NANOSECONDS)) {
      threads.shutdownNow();
      threads.awaitTermination(5, TimeUnit.SECONDS);
    }
    long end = Math.max(lastDoneNanos.get(), begin);
    long[] done = Arrays.stream(latencyNanos).filter(n -> n != NOT_DONE).toArray();
    // Tear-down (query: finishing the workflows) is outside the timed window.
    workload.tearDown(this);
    int ok = completed.get();
    int failed = errors.get();
    return new Result(
        units,
        ok,
        failed,
        Math.max(0, units - done.length - unitErrors.get()),
        (end - begin) / 1e9,
        LatencySummary.of(done),
        Map.copyOf(errorKinds));
  }

  private void clientLoop(long deadline) {
    while (!Thread.currentThread().isInterrupted()) {
      if (System.nanoTime() >= deadline) {
        return;
      }
      int i = next.getAndIncrement();
      if (i >= units) {
        return;
      }
      runOne(i, deadline);
    }
  }

  private void runOne(int i, long deadline) {
    try {
      long nanos = workload.runUnit(i, deadline);
      latencyNanos[i] = nanos;
      lastDoneNanos.accumulateAndGet(System.nanoTime(), Math::max);
      completed.incrementAndGet();
    } catch (TimeoutException e) {
      // the duration limit passed while waiting: unfinished, not an error
    } catch (Workload.WrongResult e) {
      unitErrors.incrementAndGet();
      fail("wrong result: " + e.getMessage());
    } catch (RuntimeException e) {
      unitErrors.incrementAndGet();
      fail(describe(e));
    }
  }

  /** The innermost cause's type and message, short enough to group errors by. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? "" : ": " + root.getMessage();
    String text = root.getClass().getSimpleName() + msg;
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
