package dev.sundial.engine.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * How the engine reaches another node (implemented by the server over gRPC): sends an internal
 * operation to the node at {@code address}, whose engine answers with {@code
 * InternalOps.handle}. The reply is an {@link Wire} envelope (result or error).
 */
public interface ClusterLink {
  CompletableFuture<byte[]> call(String address, String op, byte[] payload);
}
