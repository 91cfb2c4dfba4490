package dev.sundial.engine.history.reset;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.history.MutableState;
import io.temporal.api.workflow.v1.ResetPoints;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a run remembers about resets: its auto-reset points (one per binary checksum / build id,
 * at the first workflow task it completed), and the links between a reset run and the run it was
 * reset from. Part of the mutable state encoding, marked by a magic number so that states encoded
 * before it existed (without this part) still decode.
 */
public final class ResetInfo {
  private static final int MAGIC = 0x52535431; // "RST1"
  private static final int VERSION = 1;

  /** WorkflowExecutionInfo.auto_reset_points. */
  public ResetPoints autoResetPoints = ResetPoints.getDefaultInstance();
  /** The run this one was reset from ("" when it is not a reset run). */
  public String baseRunId = "";
  /** The last event of the base run copied into this run. */
  public long baseLastEventId;
  /** The reset request that created this run (for request-id idempotency). */
  public String resetRequestId = "";
  /** When this run was created by a reset (0 when it was not). */
  public long resetTime;
  /** On a run that was reset: the run created by the (latest) reset of it. */
  public String resetRunId = "";
  /** Time of the run's WorkflowExecutionStarted event (a reset run keeps its base's). */
  public long originalStartTime;

  public boolean isResetRun() {
    return !baseRunId.isEmpty();
  }

  public static void write(DataOutputStream out, MutableState s) throws IOException {
    ResetInfo r = s.reset;
    out.writeInt(MAGIC);
    out.writeByte(VERSION);
    byte[] points = r.autoResetPoints.toByteArray();
    out.writeInt(points.length);
    out.write(points);
    out.writeUTF(r.baseRunId);
    out.writeLong(r.baseLastEventId);
    out.writeUTF(r.resetRequestId);
    out.writeLong(r.resetTime);
    out.writeUTF(r.resetRunId);
    out.writeLong(r.originalStartTime);
  }

  /** Reads what {@link #write} wrote; states encoded before resets existed have no such part. */
  public static void read(DataInputStream in, MutableState s) throws IOException {
    if (in.available() < 4) {
      return;
    }
    in.mark(4);
    if (in.readInt() != MAGIC) {
      in.reset(); // not this part: a state encoded before resets were tracked
      return;
    }
    int version = in.readByte();
    if (version != VERSION) {
      throw new IOException("unknown reset info encoding version " + version);
    }
    ResetInfo r = s.reset;
    byte[] points = new byte[in.readInt()];
    in.readFully(points);
    try {
      r.autoResetPoints = ResetPoints.parseFrom(points);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(e);
    }
    r.baseRunId = in.readUTF();
    r.baseLastEventId = in.readLong();
    r.resetRequestId = in.readUTF();
    r.resetTime = in.readLong();
    r.resetRunId = in.readUTF();
    r.originalStartTime = in.readLong();
  }
}
