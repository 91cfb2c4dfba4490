package dev.sundial.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HistoryPageTokensTest {

  private static void assertRejected(ByteString token, boolean reverse) {
    EngineException e =
        catchThrowableOfType(
            EngineException.class, () -> HistoryPageTokens.decode(token, reverse));
    assertThat(e).as("decode must fail").isNotNull();
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).isEqualTo("NextPageToken is not valid.");
  }

  /** The layout main wrote before the protobuf form: a 4-byte magic and the event id. */
  private static ByteString legacy(int magic, long eventId) {
    return ByteString.copyFrom(ByteBuffer.allocate(12).putInt(magic).putLong(eventId).array());
  }

  @Test
  void tokensRoundTripInTheirDirection() {
    assertThat(HistoryPageTokens.decode(HistoryPageTokens.forward(1), false)).isEqualTo(1);
    assertThat(HistoryPageTokens.decode(HistoryPageTokens.forward(1L << 40), false))
        .isEqualTo(1L << 40);
    assertThat(HistoryPageTokens.decode(HistoryPageTokens.reverse(77), true)).isEqualTo(77);
  }

  @Test
  void tokensOfTheFormerLayoutAreStillRead() {
    assertThat(HistoryPageTokens.decode(legacy(0x53485031, 42), false)).isEqualTo(42);
    assertThat(HistoryPageTokens.decode(legacy(0x53485231, 9), true)).isEqualTo(9);
  }

  @Test
  void aTokenOfTheOtherDirectionIsRejected() {
    assertRejected(HistoryPageTokens.forward(5), true);
    assertRejected(HistoryPageTokens.reverse(5), false);
    assertRejected(legacy(0x53485031, 5), true);
    assertRejected(legacy(0x53485231, 5), false);
  }

  @Test
  void malformedTokensAreRejected() {
    assertRejected(ByteString.copyFromUtf8("not a token"), false);
    assertRejected(ByteString.copyFrom(new byte[] {2, (byte) 0xff}), false); // truncated message
    assertRejected(HistoryPageTokens.forward(0), false); // event ids start at 1
    assertRejected(legacy(0x53485031, -3), false);
    assertRejected(legacy(0x12345678, 3), false);
  }
}
