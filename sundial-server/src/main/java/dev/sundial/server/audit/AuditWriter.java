package dev.sundial.server.audit;

import dev.sundial.persistence.audit.AuditRecord;
import dev.sundial.persistence.audit.AuditStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit records and outcomes in batches: one thread takes everything queued (records of
 * calls waiting to act, outcomes of calls answered) and commits it in one transaction, so calls
 * arriving together share one commit instead of each paying for its own.
 */
final class AuditWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
  private static final int MAX_BATCH = 500;

  private sealed interface Item permits Append, Outcome {}

  private record Append(AuditRecord record, CompletableFuture<Long> id) implements Item {}

  private record Outcome(AuditStore.Outcome outcome) implements Item {}

  private final AuditStore store;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  AuditWriter(AuditStore store) {
    this.store = store;
    this.thread = new Thread(this::run, "sundial-audit-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a record; the future gives its id once committed (or the failure). */
  CompletableFuture<Long> append(AuditRecord record) {
    CompletableFuture<Long> id = new CompletableFuture<>();
    if (closed) {
      id.completeExceptionally(new IllegalStateException("the server is stopping"));
    } else {
      queue.add(new Append(record, id));
    }
    return id;
  }

  /** Queues an outcome; written with the next batch. */
  void outcome(long id, String outcome, String message) {
    if (!closed) queue.add(new Outcome(new AuditStore.Outcome(id, outcome, message)));
  }

  private void run() {
    List<Item> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Item first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Item> batch) {
    List<Append> appends = new ArrayList<>();
    List<AuditStore.Outcome> outcomes = new ArrayList<>();
    for (Item item : batch) {
      if (item instanceof Append a) appends.add(a);
      else if (item instanceof Outcome o) outcomes.add(o.outcome());
    }
    try {
      List<Long> ids = store.writeAudit(
          appends.stream().map(Append::record).toList(), outcomes);
      for (int i = 0; i < appends.size(); i++) {
        appends.get(i).id().complete(ids.get(i));
      }
    } catch (RuntimeException e) {
      log.warn("cannot write {} audit records and {} outcomes: {}", appends.size(),
          outcomes.size(), e.toString());
      appends.forEach(a -> a.id().completeExceptionally(e));
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Item left;
    while ((left = queue.poll()) != null) {
      if (left instanceof Append a) {
        a.id().completeExceptionally(new IllegalStateException("the server stopped"));
      }
    }
  }
}
