package dev.sundial.engine.cluster;

/** Where a run's steps execute: this node's shard or the node that owns it (see Engine.run). */
public interface RunRouter {
  RunOperations run(String namespaceId, String workflowId);
}
