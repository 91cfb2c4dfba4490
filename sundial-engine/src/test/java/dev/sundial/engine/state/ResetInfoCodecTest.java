package dev.sundial.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.workflow.v1.ResetPointInfo;
import io.temporal.api.workflow.v1.ResetPoints;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/** The reset part of the mutable state encoding round-trips and may be absent. */
class ResetInfoCodecTest {

  private static MutableState state() {
    MutableState s = new MutableState();
    s.namespaceId = "ns";
    s.workflowId = "wf";
    s.runId = "run-2";
    s.firstExecutionRunId = "run-1";
    s.started =
        WorkflowExecutionStartedEventAttributes.newBuilder()
            .setWorkflowType(WorkflowType.newBuilder().setName("T"))
            .build();
    return s;
  }

  @Test
  void roundTrips() {
    MutableState s = state();
    s.reset.autoResetPoints =
        ResetPoints.newBuilder()
            .addPoints(
                ResetPointInfo.newBuilder()
                    .setBinaryChecksum("v1")
                    .setRunId("run-1")
                    .setFirstWorkflowTaskCompletedId(4)
                    .setResettable(true))
            .build();
    s.reset.baseRunId = "run-1";
    s.reset.baseLastEventId = 3;
    s.reset.resetRequestId = "req";
    s.reset.resetTime = 1234;
    s.reset.resetRunId = "run-3";
    s.reset.originalStartTime = 1000;
    MutableState d = MutableStateCodec.decode(MutableStateCodec.encode(s), 1);
    assertThat(d.reset.autoResetPoints).isEqualTo(s.reset.autoResetPoints);
    assertThat(d.reset.baseRunId).isEqualTo("run-1");
    assertThat(d.reset.baseLastEventId).isEqualTo(3);
    assertThat(d.reset.resetRequestId).isEqualTo("req");
    assertThat(d.reset.resetTime).isEqualTo(1234);
    assertThat(d.reset.resetRunId).isEqualTo("run-3");
    assertThat(d.reset.originalStartTime).isEqualTo(1000);
    assertThat(d.reset.isResetRun()).isTrue();
  }

  @Test
  void aFormatOneStateWithoutResetInfoDecodes() throws Exception {
    MutableState s = state();
    byte[] bytes = LegacyStateEncoder.encode(s);
    // Cut the reset part out: it starts with its magic number and ends before the parts after it.
    ByteArrayOutputStream part = new ByteArrayOutputStream();
    LegacyStateEncoder.writeResetInfo(new DataOutputStream(part), s);
    byte[] p = part.toByteArray();
    int at = indexOf(bytes, p);
    assertThat(at).isPositive();
    byte[] old = new byte[bytes.length - p.length];
    System.arraycopy(bytes, 0, old, 0, at);
    System.arraycopy(bytes, at + p.length, old, at, bytes.length - at - p.length);
    MutableState d = MutableStateCodec.decode(old, 1);
    assertThat(d.runId).isEqualTo("run-2");
    assertThat(d.reset.baseRunId).isEmpty();
    assertThat(d.reset.autoResetPoints.getPointsCount()).isZero();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
