package dev.sundial.engine.shard;

import dev.sundial.engine.state.MutableState;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A shard's cached mutable states, least recently used first out, bounded by count and by bytes:
 * a state weighs its stored (encoded) size, so a few runs started with 2 MB inputs cannot fill
 * the heap the way thousands of small ones would not. Used on the shard's mailbox thread only.
 */
final class StateCache {
  /** What a state weighs at least: the objects around its encoded bytes. */
  private static final int MIN_WEIGHT = 1_024;

  private final int maxStates;
  private final long maxBytes;
  private final LinkedHashMap<RunKey, MutableState> states = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  StateCache(int maxStates, long maxBytes) {
    this.maxStates = maxStates;
    this.maxBytes = maxBytes;
  }

  MutableState get(RunKey key) {
    return states.get(key);
  }

  /** Caches (or re-weighs) a state; evicts the least recently used over either bound. */
  void put(RunKey key, MutableState s) {
    MutableState previous = states.put(key, s);
    if (previous != null) {
      bytes -= previous.cacheWeight;
    }
    s.cacheWeight = Math.max(MIN_WEIGHT, s.encodedBytes);
    bytes += s.cacheWeight;
    Iterator<Map.Entry<RunKey, MutableState>> eldest = states.entrySet().iterator();
    // The state just put stays even when it alone is over the byte bound.
    while ((states.size() > maxStates || bytes > maxBytes) && states.size() > 1) {
      MutableState out = eldest.next().getValue();
      bytes -= out.cacheWeight;
      eldest.remove();
    }
  }

  void remove(RunKey key) {
    MutableState out = states.remove(key);
    if (out != null) {
      bytes -= out.cacheWeight;
    }
  }

  long bytes() {
    return bytes;
  }

  int size() {
    return states.size();
  }
}
