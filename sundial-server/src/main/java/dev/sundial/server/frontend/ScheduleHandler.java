package dev.sundial.server.frontend;

import dev.sundial.engine.Engine;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.schedule.ScheduleService;
import dev.sundial.engine.state.Durations;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.SchedulePatch;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.CompletableFuture;

/** The schedule RPCs: request checks here, the rest in the engine's {@link ScheduleService}. */
final class ScheduleHandler {
  /** Room for the "-<RFC 3339 time>" suffix added to each scheduled workflow id. */
  private static final String SUFFIX_EXAMPLE = "-2009-11-10T23:00:00Z";
  static final int MAX_NOTES_LENGTH = 1000;

  private final ScheduleService schedules;
  private final Engine engine;
  private final NamespaceRegistry namespaces;
  private final RequestValidator validate;
  private final long maxPayloadBytes;

  ScheduleHandler(Engine engine, RequestValidator validate) {
    this.schedules = engine.schedules;
    this.engine = engine;
    this.namespaces = engine.namespaces();
    this.validate = validate;
    this.maxPayloadBytes = engine.context().limits.maxPayloadBytes();
  }

  private String namespaceId(String namespace) {
    validate.namespace(namespace);
    return namespaces.byName(namespace).id();
  }

  private static void scheduleId(String id) {
    if (id == null || id.isEmpty()) {
      throw RequestValidator.invalid("ScheduleId is not set on request.");
    }
    if (id.length() > RequestValidator.MAX_ID_LENGTH) {
      throw RequestValidator.invalid(
          "ScheduleId length exceeds limit of " + RequestValidator.MAX_ID_LENGTH + ".");
    }
  }

  private static void requestId(String id) {
    if (id.length() > RequestValidator.MAX_ID_LENGTH) {
      throw RequestValidator.invalid(
          "RequestId length exceeds limit of " + RequestValidator.MAX_ID_LENGTH + ".");
    }
  }

  /** The action must start a workflow, with the same checks as StartWorkflowExecution. */
  private void schedule(Schedule s) {
    if (!s.getAction().hasStartWorkflow()) {
      throw RequestValidator.invalid(
          "Schedule.Action is not set on request: only a StartWorkflow action is supported.");
    }
    NewWorkflowExecutionInfo a = s.getAction().getStartWorkflow();
    if (!a.getCronSchedule().isEmpty()) {
      throw RequestValidator.invalid("CronSchedule is not allowed in a schedule's StartWorkflow action.");
    }
    if (a.getWorkflowIdReusePolicy() != WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED
        && a.getWorkflowIdReusePolicy() != WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE) {
      throw RequestValidator.invalid(
          "WorkflowIdReusePolicy of a schedule's StartWorkflow action must be unspecified or ALLOW_DUPLICATE.");
    }
    if (a.getWorkflowId().isEmpty()) {
      throw RequestValidator.invalid("WorkflowId is not set on the schedule's StartWorkflow action.");
    }
    StartWorkflowExecutionRequest.Builder start =
        StartWorkflowExecutionRequest.newBuilder()
            .setWorkflowId(a.getWorkflowId() + SUFFIX_EXAMPLE)
            .setWorkflowType(a.getWorkflowType())
            .setTaskQueue(a.getTaskQueue())
            .setWorkflowExecutionTimeout(a.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(a.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(a.getWorkflowTaskTimeout())
            .setInput(a.getInput())
            .setMemo(a.getMemo())
            .setHeader(a.getHeader());
    if (a.hasRetryPolicy()) start.setRetryPolicy(a.getRetryPolicy());
    validate.start(start.build());
    String notes = s.getState().getNotes();
    if (notes.length() > MAX_NOTES_LENGTH) {
      throw RequestValidator.invalid("Schedule.State.Notes length exceeds limit of " + MAX_NOTES_LENGTH + ".");
    }
    if (s.getState().getLimitedActions() && s.getState().getRemainingActions() < 0) {
      throw RequestValidator.invalid("Schedule.State.RemainingActions must not be negative.");
    }
    if (s.getPolicies().hasCatchupWindow()) {
      RequestValidator.nonNegative(s.getPolicies().getCatchupWindow(), "Schedule.Policies.CatchupWindow");
    }
  }

  /** The schedule with its action's search attributes checked and typed (INVALID_ARGUMENT otherwise). */
  private Schedule typed(String namespaceId, String namespace, Schedule s) {
    NewWorkflowExecutionInfo a = s.getAction().getStartWorkflow();
    if (!a.hasSearchAttributes()) {
      return s;
    }
    return s.toBuilder()
        .setAction(s.getAction().toBuilder().setStartWorkflow(a.toBuilder().setSearchAttributes(
            engine.visibility.validate(namespaceId, namespace, a.getSearchAttributes()))))
        .build();
  }

  private static void patch(SchedulePatch p) {
    if (p.getPause().length() > MAX_NOTES_LENGTH || p.getUnpause().length() > MAX_NOTES_LENGTH) {
      throw RequestValidator.invalid("Pause/Unpause notes length exceeds limit of " + MAX_NOTES_LENGTH + ".");
    }
    for (var b : p.getBackfillRequestList()) {
      if (!b.hasStartTime() || !b.hasEndTime()) {
        throw RequestValidator.invalid("BackfillRequest needs StartTime and EndTime.");
      }
      if (Durations.toMillis(b.getEndTime()) < Durations.toMillis(b.getStartTime())) {
        throw RequestValidator.invalid("BackfillRequest EndTime is before StartTime.");
      }
    }
  }

  CompletableFuture<CreateScheduleResponse> create(CreateScheduleRequest r) {
    String ns = namespaceId(r.getNamespace());
    scheduleId(r.getScheduleId());
    if (r.getRequestId().isEmpty()) {
      throw RequestValidator.invalid("RequestId is not set on request.");
    }
    requestId(r.getRequestId());
    schedule(r.getSchedule());
    if (r.hasInitialPatch()) patch(r.getInitialPatch());
    if (r.getMemo().getSerializedSize() > maxPayloadBytes) {
      throw RequestValidator.invalid("Memo size exceeds the limit of " + maxPayloadBytes + " bytes.");
    }
    CreateScheduleRequest.Builder checked =
        r.toBuilder().setSchedule(typed(ns, r.getNamespace(), r.getSchedule()));
    if (r.hasSearchAttributes()) {
      checked.setSearchAttributes(
          engine.visibility.validate(ns, r.getNamespace(), r.getSearchAttributes()));
    }
    return schedules.create(ns, checked.build());
  }

  CompletableFuture<DescribeScheduleResponse> describe(DescribeScheduleRequest r) {
    String ns = namespaceId(r.getNamespace());
    scheduleId(r.getScheduleId());
    return schedules.describe(ns, r.getScheduleId());
  }

  CompletableFuture<UpdateScheduleResponse> update(UpdateScheduleRequest r) {
    String ns = namespaceId(r.getNamespace());
    scheduleId(r.getScheduleId());
    requestId(r.getRequestId());
    schedule(r.getSchedule());
    UpdateScheduleRequest.Builder checked =
        r.toBuilder().setSchedule(typed(ns, r.getNamespace(), r.getSchedule()));
    if (r.hasSearchAttributes()) {
      checked.setSearchAttributes(
          engine.visibility.validate(ns, r.getNamespace(), r.getSearchAttributes()));
    }
    return schedules.update(ns, checked.build())
        .thenApply(v -> UpdateScheduleResponse.getDefaultInstance());
  }

  CompletableFuture<PatchScheduleResponse> patch(PatchScheduleRequest r) {
    String ns = namespaceId(r.getNamespace());
    scheduleId(r.getScheduleId());
    requestId(r.getRequestId());
    if (!r.hasPatch()) {
      throw RequestValidator.invalid("Patch is not set on request.");
    }
    patch(r.getPatch());
    return schedules.patch(ns, r.getScheduleId(), r.getPatch())
        .thenApply(v -> PatchScheduleResponse.getDefaultInstance());
  }

  CompletableFuture<DeleteScheduleResponse> delete(DeleteScheduleRequest r) {
    String ns = namespaceId(r.getNamespace());
    scheduleId(r.getScheduleId());
    return schedules.delete(ns, r.getScheduleId())
        .thenApply(v -> DeleteScheduleResponse.getDefaultInstance());
  }

  CompletableFuture<ListSchedulesResponse> list(ListSchedulesRequest r) {
    String ns = namespaceId(r.getNamespace());
    return schedules.list(ns, r.getMaximumPageSize(), r.getNextPageToken(), r.getQuery());
  }

  CompletableFuture<ListScheduleMatchingTimesResponse> matchingTimes(ListScheduleMatchingTimesRequest r) {
    String ns = namespaceId(r.getNamespace());
    scheduleId(r.getScheduleId());
    if (!r.hasStartTime() || !r.hasEndTime()) {
      throw RequestValidator.invalid("StartTime and EndTime must be set on request.");
    }
    return schedules.matchingTimes(ns, r.getScheduleId(),
        Durations.toMillis(r.getStartTime()), Durations.toMillis(r.getEndTime()));
  }
}
