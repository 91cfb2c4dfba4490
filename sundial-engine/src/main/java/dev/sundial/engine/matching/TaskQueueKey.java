package dev.sundial.engine.matching;

/** A task queue of one kind (workflow or activity tasks) in a namespace. */
public record TaskQueueKey(String namespaceId, String name, int kind) {}
