package dev.sundial.server.http;

/** gRPC code to HTTP status, as grpc-gateway (v2) maps them for Temporal's HTTP API. */
final class HttpStatuses {
  private HttpStatuses() {}

  static int fromGrpc(int code) {
    return switch (code) {
      case 0 -> 200; // OK
      case 1 -> 499; // CANCELLED
      case 3, 9, 11 -> 400; // INVALID_ARGUMENT, FAILED_PRECONDITION (not 412), OUT_OF_RANGE
      case 4 -> 504; // DEADLINE_EXCEEDED
      case 5 -> 404; // NOT_FOUND
      case 6, 10 -> 409; // ALREADY_EXISTS, ABORTED
      case 7 -> 403; // PERMISSION_DENIED
      case 8 -> 429; // RESOURCE_EXHAUSTED
      case 12 -> 501; // UNIMPLEMENTED
      case 14 -> 503; // UNAVAILABLE
      case 16 -> 401; // UNAUTHENTICATED
      default -> 500; // UNKNOWN, INTERNAL, DATA_LOSS
    };
  }
}
