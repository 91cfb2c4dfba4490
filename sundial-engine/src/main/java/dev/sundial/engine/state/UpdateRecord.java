package dev.sundial.engine.state;

/**
 * What a run remembers durably about one workflow update: the ids of its accepted and completed
 * events (0 while not written). The request and outcome themselves live in those history events;
 * an update that was only admitted (or was rejected) leaves no record at all.
 */
public final class UpdateRecord {
  /** Temporal's limit on the updates one run may record. */
  public static final int MAX_PER_RUN = 2000;

  /** Past 90% of {@link #MAX_PER_RUN} the worker is told to continue-as-new (as Temporal). */
  public static final int SUGGEST_CONTINUE_AS_NEW = MAX_PER_RUN * 9 / 10;

  public long acceptedEventId;
  public long completedEventId;

  public UpdateRecord(long acceptedEventId, long completedEventId) {
    this.acceptedEventId = acceptedEventId;
    this.completedEventId = completedEventId;
  }
}
