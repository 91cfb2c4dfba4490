package dev.sundial.engine.api;

/** The operation ran out of the caller's time budget; the frontend answers DEADLINE_EXCEEDED. */
public final class DeadlineExceededException extends EngineException {
  public DeadlineExceededException(String message) {
    super(Code.UNAVAILABLE, message);
  }
}
