package dev.sundial.engine.history;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
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
  private static final int MAGIC = 0x53440001; // "SD", version 1

  public ByteString encode() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream(96);
      DataOutputStream out = new DataOutputStream(b);
      out.writeInt(MAGIC);
      out.writeByte(kind);
      out.writeUTF(namespaceId);
      out.writeUTF(workflowId);
      out.writeUTF(runId);
      out.writeLong(scheduledEventId);
      out.writeInt(attempt);
      out.writeUTF(activityId == null ? "" : activityId);
      return ByteString.copyFrom(b.toByteArray());
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

  /** The token's fields, or null when it does not start with our magic number. */
  private static TaskToken read(ByteString token) throws IOException {
    DataInputStream in = new DataInputStream(token.newInput());
    if (in.readInt() != MAGIC) {
      return null;
    }
    return new TaskToken(in.readByte(), in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(),
        in.readInt(), in.readUTF());
  }

  private static String kindName(int kind) {
    return switch (kind) {
      case WORKFLOW -> "workflow";
      case QUERY -> "query";
      default -> "activity";
    };
  }
}
