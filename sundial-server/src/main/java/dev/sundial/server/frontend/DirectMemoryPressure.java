package dev.sundial.server.frontend;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Whether the JVM's direct (off-heap) buffer memory is nearly used up. gRPC's transport holds each
 * request's bytes in direct buffers until the whole message has arrived, before any interceptor
 * sees its size; when that memory runs out the transport closes every connection with INTERNAL,
 * which SDKs do not retry. Refusing new calls from {@link #HIGH} of the limit keeps room for the
 * calls already admitted.
 */
final class DirectMemoryPressure {
  static final double HIGH = 0.7;

  static final DirectMemoryPressure JVM = new DirectMemoryPressure();

  private final Optional<BufferPoolMXBean> direct =
      ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
          .filter(p -> p.getName().equals("direct")).findFirst();
  private final long max = maxDirectMemory();

  private DirectMemoryPressure() {}

  boolean high() {
    return share() >= HIGH;
  }

  /** Direct memory in use as a share of the limit (0..1). */
  double share() {
    return direct.map(p -> (double) p.getMemoryUsed() / max).orElse(0.0);
  }

  /** -XX:MaxDirectMemorySize, whose default (0) means as large as the maximum heap. */
  private static long maxDirectMemory() {
    long configured = 0;
    try {
      configured = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("MaxDirectMemorySize").getValue());
    } catch (RuntimeException notHotSpot) {
      // another JVM: assume the HotSpot default
    }
    return configured > 0 ? configured : Runtime.getRuntime().maxMemory();
  }
}
