package dev.sundial.server.security;

/** Credentials that authenticate nobody (a bad, expired or revoked key or token); says why. */
public final class InvalidCredentialsException extends Exception {
  public InvalidCredentialsException(String message) {
    super(message, null, false, false);
  }
}
