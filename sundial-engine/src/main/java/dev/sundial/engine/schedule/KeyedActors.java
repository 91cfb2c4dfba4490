package dev.sundial.engine.schedule;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs operations one at a time per key, in submission order, on a shared pool; operations on
 * different keys run concurrently. An operation may block (store reads and writes, waiting for
 * engine commits): the pool is dedicated to them.
 */
final class KeyedActors<K> {
  private final Executor pool;
  private final Map<K, CompletableFuture<?>> tails = new HashMap<>();

  KeyedActors(Executor pool) {
    this.pool = pool;
  }

  synchronized <T> CompletableFuture<T> submit(K key, Supplier<T> op) {
    CompletableFuture<?> previous = tails.get(key);
    CompletableFuture<T> next =
        previous == null
            ? CompletableFuture.supplyAsync(op, pool)
            : previous.handle((r, e) -> null).thenApplyAsync(x -> op.get(), pool);
    tails.put(key, next);
    next.whenComplete((r, e) -> {
      synchronized (this) {
        tails.remove(key, next);
      }
    });
    return next;
  }
}
