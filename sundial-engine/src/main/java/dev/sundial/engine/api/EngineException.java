package dev.sundial.engine.api;

/**
 * A request-level failure with the gRPC-independent code the frontend maps to a status. The
 * message is shown to the caller, so it names the offending field or entity.
 */
public class EngineException extends RuntimeException {
  public enum Code {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    UNAVAILABLE,
    INTERNAL
  }

  private final Code code;

  public EngineException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  public static EngineException invalidArgument(String message) {
    return new EngineException(Code.INVALID_ARGUMENT, message);
  }

  public static EngineException notFound(String message) {
    return new EngineException(Code.NOT_FOUND, message);
  }

  public static EngineException unavailable(String message) {
    return new EngineException(Code.UNAVAILABLE, message);
  }
}
