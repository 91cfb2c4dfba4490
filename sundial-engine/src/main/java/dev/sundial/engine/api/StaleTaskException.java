package dev.sundial.engine.api;

/**
 * A matched backlog entry no longer names a task that can start (already started, superseded,
 * or its run closed). The poll handler drops the entry and keeps polling.
 */
public final class StaleTaskException extends RuntimeException {
  public StaleTaskException() {
    super("stale task", null, false, false);
  }
}
