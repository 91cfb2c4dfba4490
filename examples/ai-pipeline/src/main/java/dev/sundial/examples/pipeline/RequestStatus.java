package dev.sundial.examples.pipeline;

/**
 * Where a request stands: its stage ({@code RECEIVED}, {@code VALIDATING}, {@code CALLING_MODEL},
 * {@code PROCESSING}, {@code COMPLETED} or {@code FAILED}), the result once completed, the error
 * once failed.
 */
public record RequestStatus(String id, String stage, String result, String error) {
  static RequestStatus at(String id, String stage) {
    return new RequestStatus(id, stage, null, null);
  }

  boolean finished() {
    return stage.equals("COMPLETED") || stage.equals("FAILED");
  }
}
