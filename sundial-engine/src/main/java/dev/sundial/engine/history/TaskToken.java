package dev.sundial.engine.history;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.proto.StoredTaskToken;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The opaque token handed to a worker with a workflow or activity task. It names the run, the
 * scheduled event and the attempt, so a late answer for an older attempt is recognised as stale.
 */
public record TaskToken(
    int kind,
    String namespaceId,
    String workflowId,
    String runId,
    long scheduledEventId,
    int attempt,
    String activityId) {

  public static final int WORKFLOW = 1;
  public static final int ACTIVITY = 2;
  /** An in-memory query task; scheduledEventId carries the query's id. */
  public static final int QUERY = 3;
  /** Tokens start with "SD" and a format number; format 2 is a StoredTaskToken message. */
  private static final int MAGIC_V1 = 0x53440001;
  private static final int MAGIC_V2 = 0x53440002;

  public ByteString encode() {
    try {
      ByteString.Output out = ByteString.newOutput(96);
      new DataOutputStream(out).writeInt(MAGIC_V2);
      // Length-delimited, so that a truncated token is recognised as one.
      StoredTaskToken.newBuilder()
          .setKind(kind)
          .setNamespaceId(namespaceId)
          .setWorkflowId(workflowId)
          .setRunId(runId)
          .setScheduledEventId(scheduledEventId)
          .setAttempt(attempt)
          .setActivityId(activityId == null ? "" : activityId)
          .build()
          .writeDelimitedTo(out);
      return out.toByteString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a token of any kind (for routing); null when it is not one of ours. */
  public static TaskToken decodeAny(ByteString token) {
    try {
      return read(token);
    } catch (IOException e) {
      return null;
    }
  }

  /** Decodes a token of the expected kind; INVALID_ARGUMENT when it is not one of ours. */
  public static TaskToken decode(ByteString token, int expectedKind) {
    if (token == null || token.isEmpty()) {
      throw EngineException.invalidArgument("TaskToken is not set on request.");
    }
    TaskToken t;
    try {
      t = read(token);
    } catch (IOException e) {
      throw EngineException.invalidArgument("Error deserializing task token: truncated token.");
    }
    if (t == null) {
      throw EngineException.invalidArgument("Error deserializing task token: not a Sundial token.");
    }
    if (t.kind() != expectedKind) {
      throw EngineException.invalidArgument(
          "Error deserializing task token: a "
              + kindName(t.kind())
              + " task token was given where a "
              + kindName(expectedKind)
              + " task token is expected.");
    }
    return t;
  }

  /**
   * The token's fields, or null when it does not start with our magic number. Format 1 tokens
   * (handed out before the protobuf encoding) are still read: a worker may answer across an upgrade.
   */
  private static TaskToken read(ByteString token) throws IOException {
    DataInputStream in = new DataInputStream(token.newInput());
    int magic = in.readInt();
    if (magic == MAGIC_V1) {
      return new TaskToken(in.readByte(), in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(),
          in.readInt(), in.readUTF());
    }
    if (magic != MAGIC_V2) {
      return null;
    }
    ByteString rest = token.substring(4);
    CodedInputStream lengthPrefix = rest.newCodedInput();
    int length = lengthPrefix.readRawVarint32();
    int offset = lengthPrefix.getTotalBytesRead();
    if (offset + length != rest.size()) {
      throw new IOException("truncated or padded token");
    }
    StoredTaskToken p = StoredTaskToken.parseFrom(rest.substring(offset));
    if (p.getRunId().isEmpty() || p.getWorkflowId().isEmpty() || p.getNamespaceId().isEmpty()) {
      throw new IOException("incomplete token");
    }
    return new TaskToken(p.getKind(), p.getNamespaceId(), p.getWorkflowId(), p.getRunId(),
        p.getScheduledEventId(), p.getAttempt(), p.getActivityId());
  }

  private static String kindName(int kind) {
    return switch (kind) {
      case WORKFLOW -> "workflow";
      case QUERY -> "query";
      default -> "activity";
    };
  }
}
