package dev.sundial.persistence;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shard ownership (range ids that fence writes) and, in a cluster, members and shard leases
 * (see docs/cluster.md).
 */
public interface ShardStore {

  /**
   * Takes ownership of a shard: increments and returns its range id (creating it at 1). Writes
   * carrying an older range id fail from then on.
   */
  long acquireShard(int shardId, String owner);

  // ---- cluster: members, shard leases
  /** Registers the node or refreshes its heartbeat and address (upsert; started time kept). */
  void heartbeatNode(String nodeId, String address, long nowMillis);

  /**
   * The secret the nodes of this database present on node-to-node calls: random, created by the
   * first caller and the same for every caller afterwards, on any node.
   */
  String clusterSecret();

  /** Removes a node's registration (graceful shutdown). Idempotent. */
  void removeNode(String nodeId);

  /** Every registered node, ordered by node id. */
  List<NodeRecord> listNodes();

  /** Every shard row, ordered by shard id (shards never acquired have no row). */
  List<ShardLease> listShardLeases();

  /**
   * Takes a shard for {@code nodeId} when it is free: no row yet, released (owner null), already
   * owned by {@code nodeId}, or its lease ran out ({@code leaseExpiresMillis < nowMillis}). Takes it
   * by incrementing the range id (creating the row at 1), so writes carrying an older range id fail
   * from then on, and sets the lease to {@code nowMillis + leaseMillis}. Returns the new lease, or
   * empty when another node holds a lease that has not run out. Atomic against concurrent callers.
   */
  Optional<ShardLease> tryAcquireShard(int shardId, String nodeId, long nowMillis, long leaseMillis);

  /**
   * Extends to {@code leaseExpiresMillis} the leases that {@code nodeId} still holds with the given
   * range ids (shard id to range id), in one transaction. Returns the shard ids extended; any other
   * shard of the map was lost (its range id or owner changed).
   */
  Set<Integer> renewShardLeases(
      String nodeId, Map<Integer, Long> rangeIds, long leaseExpiresMillis);

  /**
   * Gives a shard up if {@code nodeId} still holds it with {@code rangeId}: owner null and lease
   * expired, so the next node can take it at once. Returns whether it was released.
   */
  boolean releaseShard(int shardId, String nodeId, long rangeId);
}
