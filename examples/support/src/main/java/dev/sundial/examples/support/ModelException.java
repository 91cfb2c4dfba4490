package dev.sundial.examples.support;

/**
 * A model call that failed: the endpoint's HTTP status (0 when it was not reached) and whether
 * trying again can help (timeouts, 429 and 5xx can; other 4xx cannot).
 */
public final class ModelException extends RuntimeException {
  private final int status;

  public ModelException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public boolean retryable() {
    return status == 0 || status == 408 || status == 429 || status >= 500;
  }
}
