package dev.sundial.engine.shard;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.LoggerFactory;

/** Runs submitted tasks one at a time, in order, on a shared pool: a lightweight actor mailbox. */
final class SerialExecutor implements Executor {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final Executor pool;
  private boolean running;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    int budget = 64; // yield the pool thread now and then so other shards progress
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (Throwable t) {
        LoggerFactory.getLogger(SerialExecutor.class).error("shard task failed", t);
      }
      if (--budget == 0) {
        pool.execute(this::drain);
        return;
      }
    }
  }
}
