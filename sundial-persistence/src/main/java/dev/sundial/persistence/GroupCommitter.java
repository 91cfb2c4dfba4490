package dev.sundial.persistence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batches writes from many shard actors into few transactions. One thread takes whatever is
 * queued (up to {@code maxBatch}, never waiting for more), commits it, and completes the futures
 * on that thread. Submission order is commit order, so an actor may submit its next write for
 * the same run before the previous one is acknowledged. Callbacks attached to the futures run on
 * one callback thread, in commit order, unless they use the *Async variants: they must not block.
 */
public final class GroupCommitter implements AutoCloseable {
  private record Pending(ExecutionWrite write, CompletableFuture<Void> future) {}

  private final Store store;
  private final int maxBatch;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean closed; // guarded by lock
  private final Thread thread;
  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong writesCommitted = new AtomicLong();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong batchesFailed = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private final ExecutorService callbacks =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sundial-commit-callbacks");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong callbackNanos = new AtomicLong();

  public GroupCommitter(Store store, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    this.store = store;
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::run, "sundial-group-commit");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a write. The future completes after the batch holding it is committed: normally, with
   * its {@link ConflictException}, or with the {@link StoreException} that failed the batch.
   */
  public CompletableFuture<Void> submit(ExecutionWrite write) {
    try {
      WriteValidator.check(write); // a malformed write must not fail the batch it would join
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(new StoreException("store closed", null));
      }
      queue.add(new Pending(write, future));
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    return future;
  }

  /** Queues several writes that commit atomically together (all or none), in this order. */
  public CompletableFuture<Void> submitAll(List<ExecutionWrite> writes) {
    if (writes.size() == 1) {
      return submit(writes.get(0));
    }
    return submit(writes.get(0).withLinked(writes.subList(1, writes.size())));
  }

  /** Stops accepting writes, commits those already queued, and waits for the thread to end. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() == thread) {
      return; // called from a callback: the loop ends by itself once the queue is empty
    }
    try {
      thread.join();
      callbacks.shutdown();
      callbacks.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long batchesCommitted() {
    return batchesCommitted.get();
  }

  /** Writes applied (conflicting writes are counted in {@link #conflicts()} instead). */
  public long writesCommitted() {
    return writesCommitted.get();
  }

  public long conflicts() {
    return conflicts.get();
  }

  public long batchesFailed() {
    return batchesFailed.get();
  }

  /** Total time spent inside store commits (transaction + fsync). */
  public long commitNanos() {
    return commitNanos.get();
  }

  /** Total time spent running completion callbacks (on the callback thread). */
  public long callbackNanos() {
    return callbackNanos.get();
  }

  private void run() {
    List<Pending> batch;
    while ((batch = next()) != null) {
      process(batch);
    }
  }

  /** The next batch, or null once closed and drained. */
  private List<Pending> next() {
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (closed) {
          return null;
        }
        notEmpty.awaitUninterruptibly();
      }
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void process(List<Pending> batch) {
    List<ExecutionWrite> writes = new ArrayList<>(batch.size());
    batch.forEach(p -> writes.add(p.write()));
    List<ConflictException> results;
    long t0 = System.nanoTime();
    try {
      results = store.commit(writes);
      commitNanos.addAndGet(System.nanoTime() - t0);
      if (results == null || results.size() != writes.size()) {
        throw new StoreException("store returned " + (results == null ? "no" : results.size())
            + " results for " + writes.size() + " writes", null);
      }
    } catch (Throwable t) { // keep the thread alive whatever the store throws
      batchesFailed.incrementAndGet();
      callbacks.execute(() -> batch.forEach(p -> p.future().completeExceptionally(t)));
      return;
    }
    batchesCommitted.incrementAndGet();
    // Callers' continuations run on the callback thread, in commit order, so the committer can
    // start the next transaction (and its fsync) meanwhile.
    List<ConflictException> r = results;
    callbacks.execute(
        () -> {
          long t1 = System.nanoTime();
          completeAll(batch, r);
          callbackNanos.addAndGet(System.nanoTime() - t1);
        });
  }

  private void completeAll(List<Pending> batch, List<ConflictException> results) {
    for (int i = 0; i < batch.size(); i++) {
      ConflictException conflict = results.get(i);
      if (conflict == null) {
        writesCommitted.incrementAndGet();
        batch.get(i).future().complete(null);
      } else {
        conflicts.incrementAndGet();
        batch.get(i).future().completeExceptionally(conflict);
      }
    }
  }
}
