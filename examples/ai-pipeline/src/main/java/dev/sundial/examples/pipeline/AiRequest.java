package dev.sundial.examples.pipeline;

/** A request to the pipeline: the user's data for the model, who sent it, and its id. */
public record AiRequest(String id, String userId, String data) {}
