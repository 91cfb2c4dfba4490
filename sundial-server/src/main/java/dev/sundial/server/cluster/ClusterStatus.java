package dev.sundial.server.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sundial.persistence.NodeRecord;
import dev.sundial.persistence.ShardLease;
import dev.sundial.persistence.ShardStore;
import java.time.Clock;

/** The JSON behind the UI's cluster page: nodes, and which node owns each shard. */
public final class ClusterStatus {
  private final ShardStore store;
  private final Clock clock;
  private final String thisNode; // null when not a cluster member (SQLite)
  private final int shards;

  public ClusterStatus(ShardStore store, Clock clock, String thisNode, int shards) {
    this.store = store;
    this.clock = clock;
    this.thisNode = thisNode;
    this.shards = shards;
  }

  public String json() {
    long now = clock.millis();
    JsonObject out = new JsonObject();
    out.addProperty("clustered", thisNode != null);
    out.addProperty("thisNode", thisNode);
    out.addProperty("shardCount", shards);
    out.addProperty("now", now);
    JsonArray nodes = new JsonArray();
    JsonArray leases = new JsonArray();
    if (thisNode != null) {
      for (NodeRecord n : store.listNodes()) {
        JsonObject o = new JsonObject();
        o.addProperty("nodeId", n.nodeId());
        o.addProperty("address", n.address());
        o.addProperty("heartbeatMillis", n.heartbeatMillis());
        o.addProperty("startedMillis", n.startedMillis());
        nodes.add(o);
      }
      for (ShardLease l : store.listShardLeases()) {
        JsonObject o = new JsonObject();
        o.addProperty("shardId", l.shardId());
        o.addProperty("owner", l.owner());
        o.addProperty("rangeId", l.rangeId());
        o.addProperty("leaseExpiresMillis", l.leaseExpiresMillis());
        o.addProperty("live", l.owner() != null && l.leaseExpiresMillis() > now);
        leases.add(o);
      }
    }
    out.add("nodes", nodes);
    out.add("shards", leases);
    return out.toString();
  }
}
