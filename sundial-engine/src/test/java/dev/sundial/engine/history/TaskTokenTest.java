package dev.sundial.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskTokenTest {

  private static EngineException decodeError(ByteString bytes, int kind) {
    EngineException e =
        catchThrowableOfType(EngineException.class, () -> TaskToken.decode(bytes, kind));
    assertThat(e).as("decode must fail").isNotNull();
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    return e;
  }

  @Test
  void workflowTokenRoundTrips() {
    TaskToken t = new TaskToken(TaskToken.WORKFLOW, "ns-id", "wf-✓", "run", 17, 3, "");
    assertThat(TaskToken.decode(t.encode(), TaskToken.WORKFLOW)).isEqualTo(t);
  }

  @Test
  void activityTokenRoundTrips() {
    TaskToken t = new TaskToken(TaskToken.ACTIVITY, "ns-id", "wf", "run", 5, 12, "activity-1");
    assertThat(TaskToken.decode(t.encode(), TaskToken.ACTIVITY)).isEqualTo(t);
  }

  @Test
  void nullActivityIdEncodesAsEmpty() {
    TaskToken t = new TaskToken(TaskToken.WORKFLOW, "ns", "wf", "run", 2, 1, null);
    assertThat(TaskToken.decode(t.encode(), TaskToken.WORKFLOW).activityId()).isEmpty();
  }

  @Test
  void emptyOrMissingToken() {
    assertThat(decodeError(ByteString.EMPTY, TaskToken.WORKFLOW))
        .hasMessage("TaskToken is not set on request.");
    assertThat(decodeError(null, TaskToken.ACTIVITY))
        .hasMessage("TaskToken is not set on request.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "garbage-token", "{\"namespaceId\":\"default\"}", "\u0000\u0000\u0000\u0000\u0001"})
  void garbageIsNotOurToken(String garbage) {
    assertThat(decodeError(ByteString.copyFromUtf8(garbage), TaskToken.WORKFLOW).getMessage())
        .startsWith("Error deserializing task token");
  }

  @Test
  void truncatedToken() {
    ByteString full = new TaskToken(TaskToken.ACTIVITY, "ns", "wf", "run", 5, 1, "a").encode();
    for (int len = 4; len < full.size(); len++) {
      assertThat(decodeError(full.substring(0, len), TaskToken.ACTIVITY))
          .as("prefix of %d bytes", len)
          .hasMessage("Error deserializing task token: truncated token.");
    }
  }

  @Test
  void activityTokenWhereAWorkflowTokenIsExpected() {
    ByteString activity = new TaskToken(TaskToken.ACTIVITY, "ns", "wf", "run", 5, 1, "a").encode();
    assertThat(decodeError(activity, TaskToken.WORKFLOW))
        .hasMessage(
            "Error deserializing task token: a activity task token was given where a workflow"
                + " task token is expected.");
  }

  @Test
  void workflowTokenWhereAnActivityTokenIsExpected() {
    ByteString wf = new TaskToken(TaskToken.WORKFLOW, "ns", "wf", "run", 2, 1, "").encode();
    assertThat(decodeError(wf, TaskToken.ACTIVITY).getMessage())
        .contains("workflow task token was given where a activity task token is expected");
  }

  @Test
  void formatOneTokensHandedOutBeforeTheProtobufEncodingStillDecode() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x53440001);
    out.writeByte(TaskToken.ACTIVITY);
    out.writeUTF("ns");
    out.writeUTF("wf");
    out.writeUTF("run");
    out.writeLong(5);
    out.writeInt(2);
    out.writeUTF("a");
    assertThat(TaskToken.decode(ByteString.copyFrom(b.toByteArray()), TaskToken.ACTIVITY))
        .isEqualTo(new TaskToken(TaskToken.ACTIVITY, "ns", "wf", "run", 5, 2, "a"));
  }
}
