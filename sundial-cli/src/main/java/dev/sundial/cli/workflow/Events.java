package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Output;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.Locale;

/** How events and run outcomes print. */
final class Events {
  private Events() {}

  static String type(HistoryEvent e) {
    return Enums.display(e.getEventType().name(), "EVENT_TYPE_");
  }

  /** One event as a progress line: id, time, type. */
  static String line(Output out, HistoryEvent e) {
    return String.format("  %4d  %-10s  %s", e.getEventId(), out.time(e.getEventTime()), type(e));
  }

  /** Status word of a close event: Completed, Failed, TimedOut, Canceled, Terminated, ContinuedAsNew. */
  static String status(HistoryEvent close) {
    return type(close).replace("WorkflowExecution", "");
  }

  static boolean succeeded(HistoryEvent close) {
    return close.hasWorkflowExecutionCompletedEventAttributes();
  }

  /** The close event's result (completed) or failure, as JSON with payload shorthand. */
  static JsonObject outcome(Output out, HistoryEvent close) {
    JsonObject o = new JsonObject();
    o.addProperty("status", status(close).toUpperCase(Locale.ROOT));
    switch (close.getAttributesCase()) {
      case WORKFLOW_EXECUTION_COMPLETED_EVENT_ATTRIBUTES -> {
        var a = close.getWorkflowExecutionCompletedEventAttributes();
        if (a.hasResult()) o.add("result", JsonParser.parseString(out.values(a.getResult())));
      }
      case WORKFLOW_EXECUTION_FAILED_EVENT_ATTRIBUTES ->
          o.add("failure", JsonParser.parseString(
              out.payloads(close.getWorkflowExecutionFailedEventAttributes().getFailure())));
      case WORKFLOW_EXECUTION_TERMINATED_EVENT_ATTRIBUTES ->
          o.addProperty("reason", close.getWorkflowExecutionTerminatedEventAttributes().getReason());
      default -> { }
    }
    return o;
  }

  /** One line for text output: the result's JSON, or the failure's message. */
  static String outcomeText(Output out, HistoryEvent close) {
    return switch (close.getAttributesCase()) {
      case WORKFLOW_EXECUTION_COMPLETED_EVENT_ATTRIBUTES -> {
        var a = close.getWorkflowExecutionCompletedEventAttributes();
        yield a.hasResult() ? out.values(a.getResult()) : "(none)";
      }
      case WORKFLOW_EXECUTION_FAILED_EVENT_ATTRIBUTES ->
          close.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage();
      case WORKFLOW_EXECUTION_TERMINATED_EVENT_ATTRIBUTES ->
          "terminated: " + close.getWorkflowExecutionTerminatedEventAttributes().getReason();
      case WORKFLOW_EXECUTION_TIMED_OUT_EVENT_ATTRIBUTES -> "timed out";
      case WORKFLOW_EXECUTION_CANCELED_EVENT_ATTRIBUTES -> "canceled";
      default -> "";
    };
  }
}
