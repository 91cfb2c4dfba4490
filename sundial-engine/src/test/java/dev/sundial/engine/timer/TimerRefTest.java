package dev.sundial.engine.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class TimerRefTest {
  @Test
  void roundTrips() {
    TimerRef ref = new TimerRef(42, 3, 2, "timer-1");
    assertThat(TimerRef.decode(ref.encode())).isEqualTo(ref);
    assertThat(TimerRef.decode(new TimerRef(0, 0, 0, "").encode())).isEqualTo(new TimerRef(0, 0, 0, ""));
  }

  @Test
  void readsFormatOneRowsWrittenBeforeTheProtobufEncoding() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeLong(42);
    out.writeInt(3);
    out.writeInt(2);
    out.writeUTF("timer-1");
    assertThat(TimerRef.decode(b.toByteArray())).isEqualTo(new TimerRef(42, 3, 2, "timer-1"));
  }
}
