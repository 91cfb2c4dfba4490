package dev.sundial.engine.history;

import dev.sundial.engine.shard.RunKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** History long polls waiting for a run to change; woken after each commit that touches it. */
public final class HistoryWatchers {
  private final Map<RunKey, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
  /**
   * What the last commit left of runs that were being watched then: lets a long poll that only
   * waits for a run to close look again without reading and decoding the stored state.
   */
  private final Map<RunKey, Seen> latest = new ConcurrentHashMap<>();

  /** A run's next event id and whether it was running, as of its last commit. */
  public record Seen(long nextEventId, boolean running) {}

  /** The run as of its last commit while watched, or null when not known here. */
  public Seen latest(RunKey run) {
    return latest.get(run);
  }

  /** A future completed at the next commit that changes the run. */
  public CompletableFuture<Void> watch(RunKey run) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.compute(
        run,
        (k, list) -> {
          List<CompletableFuture<Void>> l = list == null ? new ArrayList<>() : list;
          l.add(f);
          return l;
        });
    return f;
  }

  public void forget(RunKey run, CompletableFuture<Void> f) {
    waiting.computeIfPresent(
        run,
        (k, list) -> {
          list.remove(f);
          if (list.isEmpty()) {
            latest.remove(k);
            return null;
          }
          return list;
        });
  }

  /** Wakes every watcher of the runs selected (their shard moved to another node). */
  public void wakeIf(Predicate<RunKey> selected) {
    for (RunKey run : List.copyOf(waiting.keySet())) {
      if (selected.test(run)) {
        changed(run);
      }
    }
  }

  /** A commit changed the run: remembered for its watchers, which are woken. */
  public void changed(RunKey run, long nextEventId, boolean running) {
    if (waiting.containsKey(run)) {
      latest.put(run, new Seen(nextEventId, running));
    } else {
      latest.remove(run);
    }
    changed(run);
  }

  public void changed(RunKey run) {
    List<CompletableFuture<Void>> list = waiting.remove(run);
    if (list != null) {
      for (CompletableFuture<Void> f : list) {
        f.complete(null);
      }
    }
  }
}
