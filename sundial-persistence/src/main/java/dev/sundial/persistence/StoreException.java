package dev.sundial.persistence;

/** The database failed (I/O, corruption, closed store). Nothing is known to be committed. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
