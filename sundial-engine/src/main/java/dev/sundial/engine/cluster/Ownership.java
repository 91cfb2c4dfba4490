package dev.sundial.engine.cluster;

import dev.sundial.persistence.NodeRecord;
import dev.sundial.persistence.ShardLease;
import dev.sundial.persistence.ShardStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster membership and shard leases. Every tick the node heartbeats its row in {@code nodes},
 * renews the leases it holds, and compares what it holds with what it should hold: each shard
 * belongs to the live node with the highest rendezvous score, so every node computes the same
 * assignment from the same member list and only the shards of a node that joined or left move.
 * A shard is taken only when it is free (released or its lease ran out), by bumping its range id,
 * which fences every write of the previous owner. A node that cannot renew in time gives up its
 * shards by its own clock before the lease runs out for the others.
 */
public final class Ownership implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);

  /** Timing of the lease protocol; failover takes about leaseMillis + tickMillis. */
  public record Timing(long tickMillis, long leaseMillis, long nodeTimeoutMillis) {
    public static Timing defaults() {
      return new Timing(500, 3000, 3000);
    }
  }

  /** What the engine does when a shard arrives or leaves. */
  public interface Listener {
    void acquired(int shardId, long rangeId);

    /** Stop serving the shard and finish its in-flight writes (graceful hand-over). */
    void releasing(int shardId);

    /** The shard is gone already (lease lost or fenced): stop serving it at once. */
    void lost(int shardId);

    /** The leases of {@code count} shards were renewed (for metrics). */
    default void renewed(int count) {}

    /** The set of live nodes changed (for metrics). */
    default void membershipChanged(Set<String> members) {}
  }

  private final ShardStore store;
  private final Clock clock;
  private final String nodeId;
  private final String address;
  private final int shardCount;
  private final Timing timing;
  private final Listener listener;
  private final ScheduledExecutorService scheduler;
  private final Map<Integer, Long> held = new ConcurrentHashMap<>(); // shard -> range id
  private volatile Map<Integer, String> ownerAddresses = Map.of();
  private volatile boolean ready;
  private Set<String> lastMembers = Set.of(); // on the tick thread
  private volatile boolean stopping;
  private long heldValidUntil; // by this node's clock: serve only while a renewal is this fresh
  private ScheduledFuture<?> loop;

  public Ownership(ShardStore store, Clock clock, String nodeId, String address, int shardCount,
      Timing timing, Listener listener, ScheduledExecutorService scheduler) {
    this.store = store;
    this.clock = clock;
    this.nodeId = nodeId;
    this.address = address;
    this.shardCount = shardCount;
    this.timing = timing;
    this.listener = listener;
    this.scheduler = scheduler;
  }

  public String nodeId() {
    return nodeId;
  }

  public String address() {
    return address;
  }

  /** Runs the first round now (so a starting node owns its share before serving) and then ticks. */
  public void start() {
    safeTick();
    loop = scheduler.scheduleWithFixedDelay(
        this::safeTick, timing.tickMillis(), timing.tickMillis(), TimeUnit.MILLISECONDS);
  }

  /** True when this node holds every shard the current assignment gives it. */
  public boolean isReady() {
    return ready;
  }

  /** The address of the live node holding the shard, or null when none does right now. */
  public String ownerAddress(int shardId) {
    return ownerAddresses.get(shardId);
  }

  synchronized void safeTick() {
    if (stopping) {
      return;
    }
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("cluster tick failed: {}", e.toString());
      dropIfExpired();
    }
  }

  private void tick() {
    long now = clock.millis();
    store.heartbeatNode(nodeId, address, now);
    if (!held.isEmpty()) {
      Map<Integer, Long> snapshot = new HashMap<>(held);
      Set<Integer> kept = store.renewShardLeases(nodeId, snapshot, now + timing.leaseMillis());
      listener.renewed(kept.size());
      for (var e : snapshot.entrySet()) {
        if (!kept.contains(e.getKey()) && held.remove(e.getKey(), e.getValue())) {
          log.warn("lost the lease of shard {}", e.getKey());
          listener.lost(e.getKey());
        }
      }
    }
    heldValidUntil = now + timing.leaseMillis() - timing.tickMillis();
    Map<String, String> live = new HashMap<>();
    for (NodeRecord n : store.listNodes()) {
      if (n.heartbeatMillis() >= now - timing.nodeTimeoutMillis() || n.nodeId().equals(nodeId)) {
        live.put(n.nodeId(), n.address());
      }
    }
    List<String> members = new ArrayList<>(live.keySet());
    if (!live.keySet().equals(lastMembers)) {
      lastMembers = Set.copyOf(live.keySet());
      listener.membershipChanged(lastMembers);
    }
    Map<Integer, ShardLease> leases = new HashMap<>();
    for (ShardLease l : store.listShardLeases()) {
      leases.put(l.shardId(), l);
    }
    boolean complete = true;
    for (int s = 0; s < shardCount; s++) {
      String desired = desiredOwner(members, s);
      boolean mine = held.containsKey(s);
      if (desired.equals(nodeId) && !mine) {
        ShardLease l = leases.get(s);
        boolean free = l == null || l.owner() == null || l.owner().equals(nodeId)
            || l.leaseExpiresMillis() < now;
        if (free) {
          var got = store.tryAcquireShard(s, nodeId, now, timing.leaseMillis());
          if (got.isPresent()) {
            held.put(s, got.get().rangeId());
            leases.put(s, got.get());
            log.info("acquired shard {} (range id {})", s, got.get().rangeId());
            listener.acquired(s, got.get().rangeId());
            continue;
          }
        }
        complete = false;
      } else if (mine && !desired.equals(nodeId)) {
        Long rangeId = held.remove(s);
        listener.releasing(s);
        store.releaseShard(s, nodeId, rangeId);
        leases.remove(s);
        log.info("handed shard {} over to {}", s, desired);
      }
    }
    Map<Integer, String> owners = new HashMap<>();
    for (ShardLease l : leases.values()) {
      String a = l.owner() == null ? null : live.get(l.owner());
      if (a != null && (l.leaseExpiresMillis() >= now || l.owner().equals(nodeId))) {
        owners.put(l.shardId(), a);
      }
    }
    held.keySet().forEach(s -> owners.put(s, address));
    ownerAddresses = Map.copyOf(owners);
    ready = complete;
  }

  /** The database is unreachable: once the leases may have run out, stop serving (fencing). */
  private void dropIfExpired() {
    if (clock.millis() <= heldValidUntil) {
      return;
    }
    ready = false;
    for (Integer s : Set.copyOf(held.keySet())) {
      held.remove(s);
      log.warn("shard {} dropped: its lease could not be renewed in time", s);
      listener.lost(s);
    }
  }

  /** Rendezvous (highest random weight) hashing: stable, and moves only what must move. */
  static String desiredOwner(List<String> members, int shardId) {
    String best = null;
    long bestScore = Long.MIN_VALUE;
    for (String m : members) {
      long score = mix(m.hashCode() * 0x9E3779B97F4A7C15L + shardId);
      if (best == null || score > bestScore || (score == bestScore && m.compareTo(best) < 0)) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** Graceful shutdown: hand every shard over and leave the member list. */
  @Override
  public synchronized void close() {
    stopping = true;
    if (loop != null) {
      loop.cancel(false);
    }
    for (var e : Map.copyOf(held).entrySet()) {
      held.remove(e.getKey());
      try {
        listener.releasing(e.getKey());
        store.releaseShard(e.getKey(), nodeId, e.getValue());
      } catch (RuntimeException ex) {
        log.warn("could not release shard {}: {}", e.getKey(), ex.toString());
      }
    }
    try {
      store.removeNode(nodeId);
    } catch (RuntimeException ex) {
      log.warn("could not deregister node {}: {}", nodeId, ex.toString());
    }
  }
}
