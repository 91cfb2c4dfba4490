package dev.sundial.engine.cluster;

import dev.sundial.engine.proto.InternalCall;
import dev.sundial.engine.proto.InternalReply;
import java.util.concurrent.CompletableFuture;

/**
 * How the engine reaches another node (implemented by the server over gRPC): sends an internal
 * call to the node at {@code address}, whose engine answers with {@code InternalCalls.handle}.
 */
public interface ClusterLink {
  CompletableFuture<InternalReply> call(String address, InternalCall call);
}
