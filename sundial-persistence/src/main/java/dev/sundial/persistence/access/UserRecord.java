package dev.sundial.persistence.access;

/**
 * A user who signs in to the web UI with a password: only a slow hash of the password is stored
 * (an encoded string naming its algorithm and cost); roles are "namespace:role" grants separated
 * by commas. Times are epoch milliseconds.
 */
public record UserRecord(String name, String roles, String passwordHash, long createdAt) {}
