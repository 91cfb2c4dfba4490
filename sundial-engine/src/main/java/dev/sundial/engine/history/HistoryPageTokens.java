package dev.sundial.engine.history;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.proto.HistoryPageToken;
import dev.sundial.engine.state.FormattedMessages;
import java.nio.ByteBuffer;

/**
 * The page tokens of history reads: a format byte and a {@link HistoryPageToken}. Tokens of the
 * layout before it (a 4-byte magic and the event id) are still read, so a client paging through a
 * history while the server is upgraded goes on where it was.
 */
final class HistoryPageTokens {
  private static final byte FORMAT = 2;
  private static final int LEGACY_FORWARD = 0x53485031;
  private static final int LEGACY_REVERSE = 0x53485231;

  private HistoryPageTokens() {}

  static ByteString forward(long nextEventId) {
    return encode(nextEventId, false);
  }

  static ByteString reverse(long newestEventId) {
    return encode(newestEventId, true);
  }

  private static ByteString encode(long eventId, boolean reverse) {
    HistoryPageToken token =
        HistoryPageToken.newBuilder().setEventId(eventId).setReverse(reverse).build();
    return ByteString.copyFrom(FormattedMessages.write(FORMAT, token));
  }

  /** The event id a token holds; INVALID_ARGUMENT when it is not a token of this direction. */
  static long decode(ByteString token, boolean reverse) {
    long eventId;
    if (token.size() == 12 && token.byteAt(0) != FORMAT) {
      ByteBuffer b = token.asReadOnlyByteBuffer();
      if (b.getInt() != (reverse ? LEGACY_REVERSE : LEGACY_FORWARD)) {
        throw invalid();
      }
      eventId = b.getLong();
    } else {
      if (token.isEmpty() || token.byteAt(0) != FORMAT) {
        throw invalid();
      }
      HistoryPageToken t;
      try {
        t = FormattedMessages.read(HistoryPageToken.parser(), token.toByteArray());
      } catch (InvalidProtocolBufferException e) {
        throw invalid();
      }
      if (t.getReverse() != reverse) {
        throw invalid();
      }
      eventId = t.getEventId();
    }
    if (eventId < 1) {
      throw invalid();
    }
    return eventId;
  }

  private static EngineException invalid() {
    return EngineException.invalidArgument("NextPageToken is not valid.");
  }
}
