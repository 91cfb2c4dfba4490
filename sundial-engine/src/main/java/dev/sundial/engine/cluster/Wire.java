package dev.sundial.engine.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.api.NamespaceNotFoundException;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.history.workflowtask.StaleTaskException;
import dev.sundial.persistence.QueueTask;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;

/**
 * The byte encoding of internal node-to-node calls: a few strings, numbers and protobuf messages
 * in a fixed order per operation, and a reply envelope that carries either the result or the
 * engine exception to rethrow on the calling node (so callers see the same errors as locally).
 */
public final class Wire {
  private Wire() {}

  /** Builds a payload. */
  public static final class Out {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public Out str(String s) {
      try {
        out.writeBoolean(s != null);
        if (s != null) {
          out.writeUTF(s);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out num(long v) {
      try {
        out.writeLong(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out bytes(byte[] b) {
      try {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
          out.write(b);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out msg(Message m) {
      return bytes(m == null ? null : m.toByteArray());
    }

    public Out task(QueueTask t) {
      return num(t.taskId()).str(t.namespaceId()).str(t.taskQueue()).num(t.kind())
          .str(t.workflowId()).str(t.runId()).num(t.scheduledEventId()).bytes(t.payload())
          .num(t.partitionId());
    }

    public byte[] done() {
      return bytes.toByteArray();
    }
  }

  /** Reads a payload in the order it was written. */
  public static final class In {
    private final DataInputStream in;

    public In(byte[] b) {
      in = new DataInputStream(new ByteArrayInputStream(b));
    }

    public String str() {
      try {
        return in.readBoolean() ? in.readUTF() : null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public long num() {
      try {
        return in.readLong();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public byte[] bytes() {
      try {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public <M extends Message> M msg(Parser<M> parser) {
      byte[] b = bytes();
      if (b == null) {
        return null;
      }
      try {
        return parser.parseFrom(b);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("bad internal message: " + e.getMessage(), e);
      }
    }

    public QueueTask task() {
      return new QueueTask(num(), str(), str(), (int) num(), str(), str(), num(), bytes(),
          (int) num());
    }
  }

  // ------------------------------------------------------------------ reply envelope

  private static final int OK = 0;
  private static final int ENGINE = 1;
  private static final int NOT_FOUND_EXECUTION = 2;
  private static final int ALREADY_STARTED = 3;
  private static final int NAMESPACE_NOT_FOUND = 4;
  private static final int STALE_TASK = 5;
  private static final int OTHER = 6;

  public static byte[] ok(byte[] result) {
    return new Out().num(OK).bytes(result).done();
  }

  public static byte[] error(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    Out o = new Out();
    if (t instanceof ExecutionNotFoundException e) {
      o.num(NOT_FOUND_EXECUTION).str(e.workflowId()).str(e.runId());
    } else if (t instanceof WorkflowAlreadyStartedException e) {
      o.num(ALREADY_STARTED).str(e.getMessage()).str(e.startRequestId()).str(e.runId());
    } else if (t instanceof NamespaceNotFoundException e) {
      o.num(NAMESPACE_NOT_FOUND).str(e.namespace());
    } else if (t instanceof EngineException e) {
      o.num(ENGINE).num(e.code().ordinal()).str(e.getMessage());
    } else if (t instanceof StaleTaskException) {
      o.num(STALE_TASK);
    } else {
      o.num(OTHER).str(String.valueOf(t));
    }
    return o.done();
  }

  /** The result bytes of a reply, or throws the error it carries. */
  public static byte[] result(byte[] reply) {
    In in = new In(reply);
    int kind = (int) in.num();
    switch (kind) {
      case OK -> {
        return in.bytes();
      }
      case NOT_FOUND_EXECUTION -> throw new ExecutionNotFoundException(in.str(), in.str());
      case ALREADY_STARTED -> throw new WorkflowAlreadyStartedException(in.str(), in.str(), in.str());
      case NAMESPACE_NOT_FOUND -> throw new NamespaceNotFoundException(in.str());
      case ENGINE -> throw new EngineException(
          EngineException.Code.values()[(int) in.num()], in.str());
      case STALE_TASK -> throw new StaleTaskException();
      default -> throw EngineException.unavailable("internal call failed on the remote node: " + in.str());
    }
  }
}
