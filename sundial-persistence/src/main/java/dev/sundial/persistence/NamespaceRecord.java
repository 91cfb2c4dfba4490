package dev.sundial.persistence;

/**
 * A namespace. {@code info} is the engine's serialized namespace description (opaque to the
 * store); {@code name} is unique.
 */
public record NamespaceRecord(String id, String name, long version, byte[] info) {}
