package dev.sundial.engine.history.update;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.WorkflowTaskInfo;
import io.temporal.api.command.v1.Command;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionUpdateAcceptedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionUpdateCompletedEventAttributes;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Acceptance;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Rejection;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.Response;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The update part of RespondWorkflowTaskCompleted: the worker's Acceptance / Rejection / Response
 * messages. A message named by a ProtocolMessage command is handled at that command's place among
 * the others (so its event lands between theirs); the rest follow all commands in request order.
 * Acceptance writes WorkflowExecutionUpdateAccepted, Response writes
 * WorkflowExecutionUpdateCompleted, Rejection writes nothing. Updates sent on the task and left
 * unanswered are rejected on the worker's behalf. Waiters hear about all of it after the commit.
 */
public final class UpdateCompletion {
  /** Temporal's history.discardSpeculativeWorkflowTaskMaximumEventsCount default. */
  static final int MAX_DISCARDED_EVENTS = 10;

  private final UpdateRegistry registry;
  private final ShardTxn txn;
  private final MutableState s;
  private final Map<String, Message> remaining = new LinkedHashMap<>();
  private final Set<Update> decided = new LinkedHashSet<>();

  private UpdateCompletion(UpdateRegistry registry, ShardTxn txn, MutableState s,
      RespondWorkflowTaskCompletedRequest req) {
    this.registry = registry;
    this.txn = txn;
    this.s = s;
    for (Message m : req.getMessagesList()) {
      remaining.putIfAbsent(m.getId(), m);
    }
  }

  // ------------------------------------------------------------------ validation

  /**
   * Checks the messages (and the ProtocolMessage commands naming them) before anything is applied;
   * returns why the workflow task must fail (cause BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE), or null.
   */
  public static String validate(
      EngineContext ctx, UpdateRegistry registry, MutableState s,
      RespondWorkflowTaskCompletedRequest req) {
    if (req.getMessagesCount() == 0 && !hasProtocolCommand(req)) {
      return null;
    }
    Map<String, Message> byId = new LinkedHashMap<>();
    for (Message m : req.getMessagesList()) {
      if (byId.putIfAbsent(m.getId(), m) != null) {
        return "Duplicate message ID " + m.getId() + " in the workflow task completion.";
      }
    }
    List<Message> order = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (Command c : req.getCommandsList()) {
      if (c.getCommandType() != CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE) continue;
      String id = c.getProtocolMessageCommandAttributes().getMessageId();
      Message m = byId.get(id);
      if (m == null || !taken.add(id)) {
        return "ProtocolMessageCommand referenced absent message ID " + id;
      }
      order.add(m);
    }
    for (Message m : req.getMessagesList()) {
      if (!taken.contains(m.getId())) order.add(m);
    }

        Map<String, Update.State> simulated = new HashMap<>();
    for (Message m : order) {
      Any body = m.getBody();
      if (body.getSerializedSize() > ctx.limits.maxPayloadBytes()) {
        return "Message type " + typeName(body) + " exceeds size limit.";
      }
      String id = m.getProtocolInstanceId();
      Update.State st =
          simulated.containsKey(id) ? simulated.get(id) : registry.stateOf(s, id);
      try {
        if (body.is(Acceptance.class)) {
          Acceptance a = body.unpack(Acceptance.class);
          if (st == null && a.hasAcceptedRequest()) st = Update.State.ADMITTED;
          String err = expect(id, st, "Acceptance", Update.State.ADMITTED, Update.State.SENT);
          if (err != null) return err;
          if (a.getAcceptedRequestSequencingEventId() == 0) {
            return "invalid Acceptance: accepted_request_sequencing_event_id is not set";
          }
          if (a.getAcceptedRequestMessageId().isEmpty()) {
            return "invalid Acceptance: accepted_request_message_id is not set";
          }
          simulated.put(id, Update.State.ACCEPTED);
        } else if (body.is(Rejection.class)) {
          Rejection r = body.unpack(Rejection.class);
          if (st == null && r.hasRejectedRequest()) st = Update.State.ADMITTED;
          String err = expect(id, st, "Rejection", Update.State.ADMITTED, Update.State.SENT);
          if (err != null) return err;
          simulated.put(id, Update.State.REJECTED);
        } else if (body.is(Response.class)) {
          Response r = body.unpack(Response.class);
          String err = expect(id, st, "Response", Update.State.ACCEPTED);
          if (err != null) return err;
          if (!r.hasMeta() || r.getMeta().getUpdateId().isEmpty()) {
            return "invalid Response: meta.update_id is not set";
          }
          if (!r.getMeta().getUpdateId().equals(id)) {
            return "invalid Response: meta.update_id != " + id;
          }
          if (!r.hasOutcome()) {
            return "invalid Response: outcome is not set";
          }
          simulated.put(id, Update.State.COMPLETED);
        } else {
          return "unsupported protocol message type " + body.getTypeUrl();
        }
      } catch (InvalidProtocolBufferException e) {
        return "unable to unmarshal message " + m.getId() + ": " + e.getMessage();
      }
    }
    return null;
  }

  private static String expect(String id, Update.State st, String what, Update.State... allowed) {
    if (st == null) {
      return "update " + id + " wasn't found on the server. This is most likely a transient error"
          + " which will be resolved automatically by retries";
    }
    for (Update.State a : allowed) {
      if (st == a) return null;
    }
    return "invalid state transition attempted for Update " + id + ": received " + what
        + " message while in state " + st;
  }

  private static boolean hasProtocolCommand(RespondWorkflowTaskCompletedRequest req) {
    for (Command c : req.getCommandsList()) {
      if (c.getCommandType() == CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE) return true;
    }
    return false;
  }

  private static String typeName(Any body) {
    String url = body.getTypeUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  // ------------------------------------------------------------------ applying

  /** Starts applying a validated completion's messages (after WorkflowTaskCompleted is written). */
  public static UpdateCompletion begin(
      UpdateRegistry registry, ShardTxn txn, MutableState s,
      RespondWorkflowTaskCompletedRequest req) {
    return new UpdateCompletion(registry, txn, s, req);
  }

  /** Handles a ProtocolMessage command at its place; false for any other command. */
  public boolean onCommand(Command c) {
    if (c.getCommandType() != CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE) {
      return false;
    }
    Message m = remaining.remove(c.getProtocolMessageCommandAttributes().getMessageId());
    if (m != null) {
      process(m);
    }
    return true;
  }

  /**
   * Handles the messages no command named, rejects updates the worker left unanswered (unless the
   * task was a heartbeat or the workflow closed), and arranges for waiters to be told after commit.
   */
  public void finish(boolean heartbeat) {
    for (Message m : List.copyOf(remaining.values())) {
      process(m);
    }
    remaining.clear();
    if (s.isRunning() && !heartbeat) {
      decided.addAll(registry.rejectUnprocessed(s));
    }
    RunKey k = UpdateRegistry.key(s);
    if (!decided.isEmpty()) {
      List<Update> done = List.copyOf(decided);
      txn.afterCommit(() -> registry.settle(k, done));
      // What the registry now holds is ahead of the store until this commits.
      txn.onRollback(() -> registry.clear(k));
    }
  }

  private void process(Message m) {
    Any body = m.getBody();
    boolean rejection = body.is(Rejection.class);
    if (!s.isRunning() && !rejection) {
      // The workflow closed earlier in this task: closing it aborts the update after the commit.
      return;
    }
    try {
      String id = m.getProtocolInstanceId();
      Update u = registry.find(s, id);
      if (body.is(Acceptance.class)) {
        Acceptance a = body.unpack(Acceptance.class);
        if (u == null && a.hasAcceptedRequest()) u = registry.resurrect(s, id, a.getAcceptedRequest());
        if (u != null) accept(u, a);
      } else if (rejection) {
        Rejection r = body.unpack(Rejection.class);
        if (u == null && r.hasRejectedRequest()) u = registry.resurrect(s, id, r.getRejectedRequest());
        if (u != null) reject(u, r);
      } else if (body.is(Response.class)) {
        if (u != null) respond(u, body.unpack(Response.class));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("validated message does not parse", e);
    }
  }

  private void accept(Update u, Acceptance a) {
    Request request = u.request != null ? u.request : a.getAcceptedRequest();
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
                .setWorkflowExecutionUpdateAcceptedEventAttributes(
                    WorkflowExecutionUpdateAcceptedEventAttributes.newBuilder()
                        .setProtocolInstanceId(u.id)
                        .setAcceptedRequestMessageId(UpdateRegistry.requestMessageId(u.id))
                        .setAcceptedRequestSequencingEventId(a.getAcceptedRequestSequencingEventId())
                        .setAcceptedRequest(request)),
            txn.now(),
            false);
    UpdateEvents.applyAccepted(s, e);
    u.acceptedEventId = e.getEventId();
    u.request = null;
    u.state = Update.State.ACCEPTED;
    decided.add(u);
  }

  private void reject(Update u, Rejection r) {
    u.request = null;
    u.state = Update.State.REJECTED;
    u.finalOutcome = Outcome.newBuilder().setFailure(r.getFailure()).build();
    decided.add(u);
  }

  private void respond(Update u, Response r) {
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
                .setWorkflowExecutionUpdateCompletedEventAttributes(
                    WorkflowExecutionUpdateCompletedEventAttributes.newBuilder()
                        .setMeta(r.getMeta())
                        .setAcceptedEventId(u.acceptedEventId)
                        .setOutcome(r.getOutcome())),
            txn.now(),
            false);
    UpdateEvents.applyCompleted(s, e);
    u.state = Update.State.COMPLETED;
    u.finalOutcome = r.getOutcome();
    decided.add(u);
  }

  // ------------------------------------------------------------------ speculative tasks

  /**
   * Completes a speculative workflow task that changed nothing (no commands, only rejections) by
   * dropping it: no event is written and the worker is told to roll back to the last completed
   * task. Returns that task's started event id, or 0 when the task must complete normally.
   */
  public static long discardSpeculative(
      EngineContext ctx, UpdateRegistry registry, ShardTxn txn, MutableState s,
      RespondWorkflowTaskCompletedRequest req) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (!wt.isSpeculative()
        || req.getCommandsCount() > 0
        || req.getForceCreateNewWorkflowTask()
        || !s.bufferedEvents.isEmpty()
        || s.lastCompletedStartedEventId <= 0) {
      return 0;
    }
    // Events written since the last completed task (results of its commands) were shipped with
    // this task; a worker that cannot take them twice needs the task kept.
    long shipped =
        req.getCapabilities().getDiscardSpeculativeWorkflowTaskWithEvents() ? MAX_DISCARDED_EVENTS : 0;
    if (s.nextEventId > s.lastCompletedStartedEventId + 2 + shipped) {
      return 0;
    }
    for (Message m : req.getMessagesList()) {
      if (!m.getBody().is(Rejection.class)) return 0;
    }
    if (validate(ctx, registry, s, req) != null) {
      return 0; // the ordinary path fails the task and says why
    }
    UpdateCompletion uc = begin(registry, txn, s, req);
    uc.finish(false);
    txn.deleteTimer(wt.timeoutTaskId);
    wt.clear();
    wt.attempt = 1;
    WorkflowTasks.recordStickyQueue(s, req);
    s.dirty = true;
    if (s.isRunning() && registry.hasPending(s, false)) {
      WorkflowTasks.scheduleSpeculative(txn, s);
    }
    return s.lastCompletedStartedEventId;
  }

  /**
   * What a started speculative task's token carries beyond event id and attempt: speculative
   * tasks reuse both (a dropped one and the next share them), so its start request id tells them
   * apart. Empty for other tasks.
   */
  public static String tokenTag(MutableState s) {
    return s.workflowTask.isSpeculative() ? s.workflowTask.requestId : "";
  }

  /** Rejects the token of an earlier speculative task that was dropped. */
  public static void checkToken(MutableState s, String tag) {
    if (s.workflowTask.isSpeculative() && !s.workflowTask.requestId.equals(tag)) {
      throw EngineException.notFound("Workflow task not found.");
    }
  }

  /**
   * Before a poller starts a speculative task: when no update is left to deliver (lost in a
   * restart, or aborted), the task is dropped instead. True when it was dropped.
   */
  public static boolean dropIdleSpeculative(
      UpdateRegistry registry, ShardTxn txn, MutableState s, long scheduledEventId,
      long queueTaskId) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (!s.isRunning()
        || !wt.isSpeculative()
        || wt.isStarted()
        || wt.scheduledEventId != scheduledEventId
        || wt.queueTaskId != queueTaskId
        || registry.hasPending(s, true)) {
      return false;
    }
    txn.deleteQueueTask(wt.queueTaskId);
    txn.deleteTimer(wt.timeoutTaskId);
    wt.clear();
    wt.attempt = 1;
    s.dirty = true;
    return true;
  }
}
