package dev.sundial.persistence;

/**
 * A conditional write lost: the execution version, current-run pointer or shard range id did not
 * match. Nothing of the write was applied.
 */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message, null, false, false);
  }
}
