package dev.sundial.engine.history.update;


/**
 * What a run remembers durably about one workflow update: the ids of its accepted and completed
 * events (0 while not written). The request and outcome themselves live in those history events;
 * an update that was only admitted (or was rejected) leaves no record at all.
 */
public final class UpdateRecord {
  public long acceptedEventId;
  public long completedEventId;

  public UpdateRecord(long acceptedEventId, long completedEventId) {
    this.acceptedEventId = acceptedEventId;
    this.completedEventId = completedEventId;
  }
}
