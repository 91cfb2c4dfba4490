package dev.sundial.examples.chat;

/** One message of a conversation as the session keeps it: {@code user} or {@code assistant}. */
public record Turn(String role, String content) {}
