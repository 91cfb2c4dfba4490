package dev.sundial.server.frontend;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the JVM's heap is nearly full, judged by what is still live after a full (major)
 * garbage collection: current usage counts garbage, and so does the old generation after a
 * young collection. High from {@link #HIGH} of the maximum heap, low again under {@link #LOW} after
 * any collection, so the state does not flap. While high, a full collection is asked for every
 * few seconds (only when calls come, on a background thread) so that an idle server learns that
 * the pressure is gone. One per JVM: collections are the JVM's, whichever Sundial (or the
 * application, when embedded) fills the heap.
 */
final class HeapPressure {
  private static final Logger log = LoggerFactory.getLogger(HeapPressure.class);
  static final double HIGH = 0.85;
  static final double LOW = 0.75;

  static final HeapPressure JVM = new HeapPressure();

  private final long maxHeap = Runtime.getRuntime().maxMemory();
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
      .collect(Collectors.toUnmodifiableSet());
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
  private volatile boolean high;
  private volatile long liveAfterGc;
  private final AtomicLong lastRecheck = new AtomicLong();

  private HeapPressure() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((n, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            collected(info.getGcAction().contains("major"), info.getGcInfo().getMemoryUsageAfterGc());
          }
        }, null, null);
      }
    }
  }

  boolean high() {
    if (high) {
      recheck();
    }
    return high;
  }

  /** A full collection on a background thread, at most every two seconds. */
  private void recheck() {
    long now = System.nanoTime();
    long last = lastRecheck.get();
    if (now - last >= RECHECK_NANOS && lastRecheck.compareAndSet(last, now)) {
      Thread t = new Thread(System::gc, "sundial-heap-recheck");
      t.setDaemon(true);
      t.start();
    }
  }

  /** The live heap after the last collection, as a share of the maximum heap (0..1). */
  double liveShare() {
    return (double) liveAfterGc / maxHeap;
  }

  private void collected(boolean major, Map<String, MemoryUsage> afterGc) {
    long live = 0;
    for (Map.Entry<String, MemoryUsage> e : afterGc.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        live += e.getValue().getUsed();
      }
    }
    liveAfterGc = live;
    double share = (double) live / maxHeap;
    if (!high && major && share >= HIGH) {
      high = true;
      log.warn("heap {}% full after garbage collection (max {} MB): shedding load until it is"
          + " under {}%", Math.round(share * 100), maxHeap >> 20, Math.round(LOW * 100));
    } else if (high && share < LOW) {
      high = false;
      log.info("heap {}% full after garbage collection: no longer shedding load",
          Math.round(share * 100));
    }
  }
}
