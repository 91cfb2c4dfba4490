package dev.sundial.engine.history.update;

import dev.sundial.engine.history.MutableState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a run remembers durably about one workflow update: the ids of its accepted and completed
 * events (0 while not written). The request and outcome themselves live in those history events;
 * an update that was only admitted (or was rejected) leaves no record at all.
 */
public final class UpdateRecord {
  public long acceptedEventId;
  public long completedEventId;

  public UpdateRecord(long acceptedEventId, long completedEventId) {
    this.acceptedEventId = acceptedEventId;
    this.completedEventId = completedEventId;
  }

  /** The update part of the mutable state encoding: the speculative task flag and the records. */
  public static void write(DataOutputStream out, MutableState s) throws IOException {
    out.writeBoolean(s.workflowTask.speculative);
    out.writeInt(s.updates.size());
    for (var e : s.updates.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue().acceptedEventId);
      out.writeLong(e.getValue().completedEventId);
    }
  }

  /** Reads what {@link #write} wrote; states encoded before updates existed have no such part. */
  public static void read(DataInputStream in, MutableState s) throws IOException {
    if (in.available() <= 0) {
      return;
    }
    s.workflowTask.speculative = in.readBoolean();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String id = in.readUTF();
      s.updates.put(id, new UpdateRecord(in.readLong(), in.readLong()));
    }
  }
}
