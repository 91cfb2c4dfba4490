package dev.sundial.engine;

import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.EngineHarness.T0;
import static dev.sundial.engine.EngineHarness.join;
import static dev.sundial.engine.EngineHarness.payloads;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.sundial.engine.api.EngineException;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ProtocolMessageCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Acceptance;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Rejection;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.Response;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflow updates at the engine level: speculative tasks, message ordering, durability. */
class EngineUpdateTest {
  @TempDir Path dir;
  private Path file;
  private MutableClock clock;
  private EngineHarness h;

  private static final UpdateWorkflowExecutionLifecycleStage COMPLETED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  private static final UpdateWorkflowExecutionLifecycleStage ACCEPTED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;

  @BeforeEach
  void setUp() {
    file = dir.resolve("sundial.db");
    clock = new MutableClock(T0);
    h = EngineHarness.onFile(file, clock);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void restart() {
    h.close();
    h = EngineHarness.onFile(file, clock);
  }

  /** Starts a workflow and completes its first task with no commands: it is idle. */
  private void startIdle(String workflowId) {
    h.start(workflowId);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.completeWorkflowTask(wt.getTaskToken());
  }

  private CompletableFuture<UpdateWorkflowExecutionResponse> update(
      String workflowId, String updateId, UpdateWorkflowExecutionLifecycleStage stage,
      long budgetMillis) {
    return h.engine.updates.update(
        h.nsId,
        UpdateWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(stage))
            .setRequest(
                Request.newBuilder()
                    .setMeta(Meta.newBuilder().setUpdateId(updateId).setIdentity("client"))
                    .setInput(Input.newBuilder().setName("add").setArgs(payloads("x"))))
            .build(),
        budgetMillis);
  }

  private PollWorkflowExecutionUpdateResponse pollUpdate(String workflowId, String updateId) {
    return join(
        h.engine.updates.poll(
            h.nsId,
            PollWorkflowExecutionUpdateRequest.newBuilder()
                .setNamespace("default")
                .setUpdateRef(
                    UpdateRef.newBuilder()
                        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                        .setUpdateId(updateId))
                .setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(COMPLETED))
                .build(),
            5_000));
  }

  private static Message accept(Message request) {
    return Message.newBuilder()
        .setId(request.getId() + "/accept")
        .setProtocolInstanceId(request.getProtocolInstanceId())
        .setBody(
            Any.pack(
                Acceptance.newBuilder()
                    .setAcceptedRequestMessageId(request.getId())
                    .setAcceptedRequestSequencingEventId(request.getEventId())
                    .build()))
        .build();
  }

  private static Message complete(Message request, String result) {
    return Message.newBuilder()
        .setId(request.getId() + "/complete")
        .setProtocolInstanceId(request.getProtocolInstanceId())
        .setBody(
            Any.pack(
                Response.newBuilder()
                    .setMeta(Meta.newBuilder().setUpdateId(request.getProtocolInstanceId()))
                    .setOutcome(Outcome.newBuilder().setSuccess(payloads(result)))
                    .build()))
        .build();
  }

  private static Message reject(Message request, String why) {
    return Message.newBuilder()
        .setId(request.getId() + "/reject")
        .setProtocolInstanceId(request.getProtocolInstanceId())
        .setBody(
            Any.pack(
                Rejection.newBuilder()
                    .setRejectedRequestMessageId(request.getId())
                    .setRejectedRequestSequencingEventId(request.getEventId())
                    .setFailure(Failure.newBuilder().setMessage(why))
                    .build()))
        .build();
  }

  private static Command protocol(Message m) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE)
        .setProtocolMessageCommandAttributes(
            ProtocolMessageCommandAttributes.newBuilder().setMessageId(m.getId()))
        .build();
  }

  private RespondWorkflowTaskCompletedResponse respond(
      PollWorkflowTaskQueueResponse wt, List<Command> commands, List<Message> messages) {
    return h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default")
            .setTaskToken(wt.getTaskToken())
            .setIdentity(EngineHarness.IDENTITY)
            .addAllCommands(commands)
            .addAllMessages(messages)
            .build());
  }

  // ------------------------------------------------------------------ tests

  @Test
  void rejectedUpdateOnSpeculativeTaskWritesNothing() {
    startIdle("wf-u-reject");
    List<HistoryEvent> before = h.history("wf-u-reject", "");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-reject", "u1", COMPLETED, 10_000);

    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.getMessagesList()).hasSize(1);
    Message m = wt.getMessages(0);
    assertThat(m.getProtocolInstanceId()).isEqualTo("u1");
    assertThat(m.getId()).isEqualTo("u1/request");
    assertThat(m.getEventId()).isEqualTo(wt.getStartedEventId() - 1);
    assertThat(m.getBody().is(Request.class)).isTrue();
    // Its Scheduled/Started events exist only in the response.
    assertThat(wt.getStartedEventId()).isEqualTo(before.size() + 2);
    List<HistoryEvent> shipped = wt.getHistory().getEventsList();
    assertThat(shipped.get(shipped.size() - 1).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_TASK_STARTED);

    RespondWorkflowTaskCompletedResponse r = respond(wt, List.of(), List.of(reject(m, "no")));
    assertThat(r.getResetHistoryEventId()).isEqualTo(3);

    UpdateWorkflowExecutionResponse done = join(f);
    assertThat(done.getStage()).isEqualTo(COMPLETED);
    assertThat(done.getOutcome().getFailure().getMessage()).isEqualTo("no");
    assertThat(h.history("wf-u-reject", "")).isEqualTo(before);
    assertThat(h.state("wf-u-reject", "").workflowTask.isScheduled()).isFalse();
  }

  @Test
  void protocolCommandsPlaceUpdateEventsAmongCommandEvents() {
    startIdle("wf-u-order");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-order", "u1", COMPLETED, 10_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    Message m = wt.getMessages(0);
    Message a = accept(m);
    Message c = complete(m, "done");

    respond(wt, List.of(protocol(a), scheduleActivity("act-1"), protocol(c)), List.of(a, c));
    UpdateWorkflowExecutionResponse done = join(f);
    assertThat(done.getStage()).isEqualTo(COMPLETED);
    assertThat(done.getOutcome().getSuccess()).isEqualTo(payloads("done"));

    List<HistoryEvent> history = h.history("wf-u-order", "");
    assertThat(Events.types(history).subList(4, history.size()))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    var accepted = history.get(7).getWorkflowExecutionUpdateAcceptedEventAttributes();
    assertThat(accepted.getProtocolInstanceId()).isEqualTo("u1");
    assertThat(accepted.getAcceptedRequestSequencingEventId()).isEqualTo(m.getEventId());
    assertThat(accepted.getAcceptedRequest().getInput().getName()).isEqualTo("add");
    var completed = history.get(9).getWorkflowExecutionUpdateCompletedEventAttributes();
    assertThat(completed.getAcceptedEventId()).isEqualTo(history.get(7).getEventId());
  }

  @Test
  void messagesWithoutCommandsFollowAllCommands() {
    startIdle("wf-u-after");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-after", "u1", COMPLETED, 10_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    Message m = wt.getMessages(0);

    respond(wt, List.of(scheduleActivity("act-1")), List.of(accept(m), complete(m, "ok")));
    assertThat(join(f).getStage()).isEqualTo(COMPLETED);
    List<HistoryEvent> history = h.history("wf-u-after", "");
    assertThat(Events.types(history).subList(6, history.size()))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  }

  @Test
  void unansweredUpdateIsRejectedByTheServer() {
    startIdle("wf-u-ignored");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-ignored", "u1", COMPLETED, 10_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    List<HistoryEvent> before = h.history("wf-u-ignored", "");

    RespondWorkflowTaskCompletedResponse r = respond(wt, List.of(), List.of());
    assertThat(r.getResetHistoryEventId()).isEqualTo(3);
    UpdateWorkflowExecutionResponse done = join(f);
    assertThat(done.getOutcome().getFailure().getApplicationFailureInfo().getType())
        .isEqualTo("UnprocessedUpdate");
    assertThat(h.history("wf-u-ignored", "")).isEqualTo(before);
  }

  @Test
  void badUpdateMessageFailsTheWorkflowTask() {
    startIdle("wf-u-bad");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-bad", "u1", ACCEPTED, 1_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    Message m = wt.getMessages(0);
    Message stray = complete(m, "too early"); // a Response before any Acceptance

    EngineException e =
        EngineHarness.engineError(
            () ->
                h.engine.workflowTasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(wt.getTaskToken())
                        .setIdentity("w")
                        .addMessages(stray)
                        .build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("invalid state transition");
    List<HistoryEvent> history = h.history("wf-u-bad", "");
    HistoryEvent failed = history.get(history.size() - 1);
    assertThat(failed.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(
            WorkflowTaskFailedCause
                .WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE);
    // The update the workflow saw fails with it (as Temporal does).
    EngineException updateError = EngineHarness.engineError(() -> f);
    assertThat(updateError.code()).isEqualTo(EngineException.Code.FAILED_PRECONDITION);
  }

  @Test
  void completedUpdateIsFoundAgainAfterRestart() {
    startIdle("wf-u-durable");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-durable", "u1", COMPLETED, 10_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    Message m = wt.getMessages(0);
    Message a = accept(m);
    Message c = complete(m, "kept");
    respond(wt, List.of(protocol(a), protocol(c)), List.of(a, c));
    join(f);
    int events = h.history("wf-u-durable", "").size();

    restart();
    // The same update id answers with the stored outcome, without a new workflow task.
    UpdateWorkflowExecutionResponse again = join(update("wf-u-durable", "u1", COMPLETED, 10_000));
    assertThat(again.getStage()).isEqualTo(COMPLETED);
    assertThat(again.getOutcome().getSuccess()).isEqualTo(payloads("kept"));
    assertThat(pollUpdate("wf-u-durable", "u1").getOutcome().getSuccess())
        .isEqualTo(payloads("kept"));
    assertThat(h.history("wf-u-durable", "")).hasSize(events);
    assertThat(h.state("wf-u-durable", "").workflowTask.isScheduled()).isFalse();
  }

  @Test
  void acceptedUpdateCompletesAfterRestart() {
    startIdle("wf-u-accepted");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-accepted", "u1", ACCEPTED, 10_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    Message m = wt.getMessages(0);
    Message a = accept(m);
    respond(wt, List.of(protocol(a), Commands.startTimer("t", 60)), List.of(a));
    assertThat(join(f).getStage()).isEqualTo(ACCEPTED);

    restart();
    UpdateWorkflowExecutionResponse stillAccepted =
        join(update("wf-u-accepted", "u1", ACCEPTED, 10_000));
    assertThat(stillAccepted.getStage()).isEqualTo(ACCEPTED);
    CompletableFuture<UpdateWorkflowExecutionResponse> waiter =
        update("wf-u-accepted", "u1", COMPLETED, 10_000);

    // A later task (the timer) completes it.
    h.advance(Duration.ofSeconds(61));
    PollWorkflowTaskQueueResponse next = h.pollWorkflowTask();
    Message c = complete(m, "late");
    respond(next, List.of(protocol(c)), List.of(c));
    assertThat(join(waiter).getOutcome().getSuccess()).isEqualTo(payloads("late"));
  }

  @Test
  void admittedUpdateIsLostInARestartAndItsTaskDropped() {
    startIdle("wf-u-lost");
    List<HistoryEvent> before = h.history("wf-u-lost", "");
    update("wf-u-lost", "u1", COMPLETED, 200);
    EngineHarness.await(
        "speculative task scheduled",
        () -> h.state("wf-u-lost", "").workflowTask.isSpeculative(),
        b -> b);

    restart();
    // The speculative task has nothing to deliver any more: it is dropped, not handed out.
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 500).getTaskToken()).isEmpty();
    assertThat(h.state("wf-u-lost", "").workflowTask.isScheduled()).isFalse();
    assertThat(h.history("wf-u-lost", "")).isEqualTo(before);
  }

  @Test
  void updateArrivingWhileATaskRunsGetsTheNextTask() {
    h.start("wf-u-busy");
    PollWorkflowTaskQueueResponse first = h.pollWorkflowTask();
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-busy", "u1", COMPLETED, 10_000);
    EngineHarness.await(
        "update admitted",
        () -> h.engine.updateRegistry.hasPending(h.state("wf-u-busy", ""), false),
        b -> b);
    assertThat(first.getMessagesCount()).isZero();
    h.completeWorkflowTask(first.getTaskToken());

    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.getMessagesList()).hasSize(1);
    Message m = wt.getMessages(0);
    Message a = accept(m);
    Message c = complete(m, "ok");
    respond(wt, List.of(protocol(a), protocol(c)), List.of(a, c));
    assertThat(join(f).getOutcome().getSuccess()).isEqualTo(payloads("ok"));
  }

  @Test
  void closingTheWorkflowAbortsPendingUpdates() {
    startIdle("wf-u-close");
    CompletableFuture<UpdateWorkflowExecutionResponse> admitted =
        update("wf-u-close", "u1", COMPLETED, 10_000);
    EngineHarness.await(
        "speculative task scheduled",
        () -> h.state("wf-u-close", "").workflowTask.isSpeculative(),
        b -> b);
    h.terminate("wf-u-close", "stop");

    EngineException e = EngineHarness.engineError(() -> admitted);
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    assertThat(e.getMessage()).isEqualTo("workflow update was aborted by closing workflow");
    // The speculative task left nothing behind: start, first task, terminated.
    List<HistoryEvent> history = h.history("wf-u-close", "");
    assertThat(history.get(0).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(history).hasSize(5);

    EngineException late = EngineHarness.engineError(() -> update("wf-u-close", "u2", COMPLETED, 1_000));
    assertThat(late.getMessage()).isEqualTo("workflow execution already completed");
  }

  @Test
  void acceptedUpdateFailsWhenTheWorkflowCompletesFirst() {
    startIdle("wf-u-accept-close");
    CompletableFuture<UpdateWorkflowExecutionResponse> f =
        update("wf-u-accept-close", "u1", COMPLETED, 10_000);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    Message a = accept(wt.getMessages(0));
    respond(wt, List.of(protocol(a), completeWorkflow(payloads("bye"))), List.of(a));

    UpdateWorkflowExecutionResponse r = join(f);
    assertThat(r.getStage()).isEqualTo(COMPLETED);
    assertThat(r.getOutcome().getFailure().getApplicationFailureInfo().getType())
        .isEqualTo("AcceptedUpdateCompletedWorkflow");
    // And so it stays, for a poll after the fact.
    assertThat(pollUpdate("wf-u-accept-close", "u1").getOutcome().getFailure().getMessage())
        .contains("Workflow completed before the Update completed");
  }
}
