package dev.sundial.engine.matching;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Priority;

/**
 * The priority a backlog entry is dispatched by, kept in its queue row's payload so that it
 * survives restarts: a marker byte, then the {@link Priority} message. Rows written before
 * priorities (their payload held the attempt) read as the default priority.
 */
public record TaskPriority(int level, String fairnessKey, float fairnessWeight) {
  /** Temporal's levels: 1 is dispatched first, 5 last; 0 (unset) means the middle one. */
  static final int LEVELS = 5;
  static final int DEFAULT_LEVEL = 3;
  private static final byte MARKER = 'P';
  static final TaskPriority DEFAULT = new TaskPriority(DEFAULT_LEVEL, "", 1f);

  /** The payload of a queue row for a task of this priority (null: the default). */
  public static byte[] payload(Priority p) {
    byte[] proto = p == null ? new byte[0] : p.toByteArray();
    byte[] out = new byte[proto.length + 1];
    out[0] = MARKER;
    System.arraycopy(proto, 0, out, 1, proto.length);
    return out;
  }

  static TaskPriority of(QueueTask task) {
    byte[] b = task.payload();
    if (b == null || b.length == 0 || b[0] != MARKER) {
      return DEFAULT;
    }
    try {
      Priority p = Priority.parser().parseFrom(b, 1, b.length - 1);
      int key = p.getPriorityKey();
      int level = key <= 0 ? DEFAULT_LEVEL : Math.min(key, LEVELS);
      float weight = p.getFairnessWeight() > 0 ? p.getFairnessWeight() : 1f;
      return new TaskPriority(level, p.getFairnessKey(), weight);
    } catch (InvalidProtocolBufferException e) {
      return DEFAULT;
    }
  }
}
