package dev.sundial.server.metrics;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.temporal.api.errordetails.v1.ResourceExhaustedFailure;
import io.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure;
import java.util.Locale;

/**
 * How Temporal's server classifies a failed call for its metrics: the error's type name ({@code
 * serviceerror_NotFound}, {@code serviceerror_WorkflowExecutionAlreadyStarted}, ...: the failure
 * detail the SDKs read, else the status code), and whether it was expected (the caller's doing,
 * not counted in {@code service_errors}).
 */
final class ErrorTypes {
  private static final String DETAILS_PREFIX = "type.googleapis.com/temporal.api.errordetails.v1.";

  private ErrorTypes() {}

  /** Temporal's error_type label: serviceerror_ and the failure's name (or the code's). */
  static String of(Status.Code code, Any detail) {
    String failure = failureName(detail);
    if (failure != null) {
      return "serviceerror_" + failure;
    }
    return "serviceerror_" + switch (code) {
      case CANCELLED -> "Canceled";
      case DEADLINE_EXCEEDED -> "DeadlineExceeded";
      default -> camel(code.name());
    };
  }

  /** Temporal's rule: the caller's mistakes and a namespace's own limits are expected. */
  static boolean expected(Status.Code code, Any detail) {
    return switch (code) {
      case CANCELLED, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
          FAILED_PRECONDITION, OUT_OF_RANGE, UNAUTHENTICATED -> true;
      case RESOURCE_EXHAUSTED -> exhausted(detail) != null && exhausted(detail).getScope()
          == io.temporal.api.enums.v1.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE;
      default -> {
        String failure = failureName(detail);
        yield "QueryFailed".equals(failure) || "WorkflowNotReady".equals(failure);
      }
    };
  }

  static boolean alreadyStarted(Any detail) {
    return detail != null && detail.is(WorkflowExecutionAlreadyStartedFailure.class);
  }

  /** The resource_exhausted_cause label: the cause the failure names. */
  static String exhaustedCause(Any detail) {
    ResourceExhaustedFailure f = exhausted(detail);
    return f == null ? "Unspecified" : goName(f.getCause().name(), "RESOURCE_EXHAUSTED_CAUSE_");
  }

  private static ResourceExhaustedFailure exhausted(Any detail) {
    if (detail == null || !detail.is(ResourceExhaustedFailure.class)) {
      return null;
    }
    try {
      return detail.unpack(ResourceExhaustedFailure.class);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** NotFoundFailure -> NotFound, as Temporal's serviceerror types are named after them. */
  private static String failureName(Any detail) {
    if (detail == null || !detail.getTypeUrl().startsWith(DETAILS_PREFIX)) {
      return null;
    }
    String name = detail.getTypeUrl().substring(DETAILS_PREFIX.length());
    return name.endsWith("Failure") ? name.substring(0, name.length() - "Failure".length()) : name;
  }

  /** An enum value as Temporal's Go API prints it: COMMAND_TYPE_START_TIMER -> StartTimer. */
  static String goName(String constant, String prefix) {
    return camel(constant.startsWith(prefix) ? constant.substring(prefix.length()) : constant);
  }

  private static String camel(String constant) {
    StringBuilder b = new StringBuilder();
    for (String part : constant.split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }
}
