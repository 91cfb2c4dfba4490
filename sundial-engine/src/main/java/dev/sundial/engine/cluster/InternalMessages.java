package dev.sundial.engine.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.api.NamespaceNotFoundException;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.proto.InternalError;
import dev.sundial.engine.proto.InternalReply;
import dev.sundial.engine.proto.QueueTaskRef;
import dev.sundial.engine.proto.RunRef;
import dev.sundial.persistence.QueueTask;
import java.util.concurrent.CompletionException;

/**
 * Conversions between the engine's values and the internal call messages of internal.proto, and
 * the reply envelope: a result, or the error to rethrow on the calling node.
 */
public final class InternalMessages {
  private InternalMessages() {}

  public static QueueTaskRef task(QueueTask t) {
    return QueueTaskRef.newBuilder()
        .setTaskId(t.taskId())
        .setNamespaceId(t.namespaceId())
        .setTaskQueue(t.taskQueue())
        .setKind(t.kind())
        .setWorkflowId(t.workflowId())
        .setRunId(t.runId())
        .setScheduledEventId(t.scheduledEventId())
        .setPayload(t.payload() == null ? ByteString.EMPTY : ByteString.copyFrom(t.payload()))
        .setPartitionId(t.partitionId())
        .build();
  }

  public static QueueTask task(QueueTaskRef t) {
    return new QueueTask(t.getTaskId(), t.getNamespaceId(), t.getTaskQueue(), t.getKind(),
        t.getWorkflowId(), t.getRunId(), t.getScheduledEventId(), t.getPayload().toByteArray(),
        t.getPartitionId());
  }

  public static RunRef run(String namespaceId, String workflowId, String runId) {
    return RunRef.newBuilder()
        .setNamespaceId(namespaceId)
        .setWorkflowId(workflowId)
        .setRunId(runId == null ? "" : runId)
        .build();
  }

  public static ByteString bytes(MessageLite m) {
    return m.toByteString();
  }

  /** A Temporal message carried as bytes; a malformed one is the caller's bug. */
  public static <M> M parse(Parser<M> parser, ByteString b) {
    try {
      return parser.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("bad internal message: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ reply envelope

  public static InternalReply message(MessageLite m) {
    return InternalReply.newBuilder().setMessage(m.toByteString()).build();
  }

  public static InternalReply flag(boolean b) {
    return InternalReply.newBuilder().setFlag(b).build();
  }

  /** A string result; null travels as "done" with no text. */
  public static InternalReply text(String s) {
    return s == null ? done() : InternalReply.newBuilder().setText(s).build();
  }

  public static InternalReply done() {
    return InternalReply.newBuilder().setDone(true).build();
  }

  public static InternalReply error(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    InternalError.Builder e = InternalError.newBuilder();
    if (t instanceof ExecutionNotFoundException x) {
      e.setKind(InternalError.Kind.EXECUTION_NOT_FOUND).setWorkflowId(x.workflowId())
          .setRunId(nonNull(x.runId()));
    } else if (t instanceof WorkflowAlreadyStartedException x) {
      e.setKind(InternalError.Kind.ALREADY_STARTED).setMessage(nonNull(x.getMessage()))
          .setStartRequestId(nonNull(x.startRequestId())).setRunId(nonNull(x.runId()));
    } else if (t instanceof NamespaceNotFoundException x) {
      e.setKind(InternalError.Kind.NAMESPACE_NOT_FOUND).setNamespace(x.namespace());
    } else if (t instanceof EngineException x) {
      e.setKind(InternalError.Kind.ENGINE).setCode(x.code().name()).setMessage(nonNull(x.getMessage()));
    } else if (t instanceof StaleTaskException) {
      e.setKind(InternalError.Kind.STALE_TASK);
    } else {
      e.setKind(InternalError.Kind.OTHER).setMessage(String.valueOf(t));
    }
    return InternalReply.newBuilder().setError(e).build();
  }

  /** The reply's result, or throws the error it carries (as the owner threw it). */
  public static InternalReply unwrap(InternalReply reply) {
    if (!reply.hasError()) {
      return reply;
    }
    InternalError e = reply.getError();
    throw switch (e.getKind()) {
      case EXECUTION_NOT_FOUND -> new ExecutionNotFoundException(e.getWorkflowId(), e.getRunId());
      case ALREADY_STARTED ->
          new WorkflowAlreadyStartedException(e.getMessage(), e.getStartRequestId(), e.getRunId());
      case NAMESPACE_NOT_FOUND -> new NamespaceNotFoundException(e.getNamespace());
      case ENGINE -> new EngineException(EngineException.Code.valueOf(e.getCode()), e.getMessage());
      case STALE_TASK -> new StaleTaskException();
      default ->
          EngineException.unavailable("internal call failed on the remote node: " + e.getMessage());
    };
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
