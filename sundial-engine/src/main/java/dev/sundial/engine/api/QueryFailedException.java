package dev.sundial.engine.api;

import io.temporal.api.failure.v1.Failure;

/**
 * The worker answered a query with a failure (its handler threw, or the query type is unknown).
 * Callers see INVALID_ARGUMENT with a QueryFailedFailure detail, which the SDKs turn into their
 * query exception.
 */
public final class QueryFailedException extends EngineException {
  private final Failure failure;

  public QueryFailedException(String message, Failure failure) {
    super(Code.INVALID_ARGUMENT, message);
    this.failure = failure;
  }

  /** The worker's failure, or null when it sent only a message. */
  public Failure failure() {
    return failure;
  }
}
