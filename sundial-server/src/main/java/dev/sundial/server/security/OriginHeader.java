package dev.sundial.server.security;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import java.net.SocketAddress;
import java.util.List;

/**
 * Where a call came from, for the audit log: its transport ({@code grpc}, {@code http}, {@code ui},
 * {@code in-process}) and source address, and whether a node relayed it (then the node that
 * received it has audited it). Sundial's HTTP frontend and relaying nodes carry the original
 * origin as metadata with a proof (the process's or the cluster's secret); anything else is a
 * call on this node's own gRPC port or in-process channel.
 */
public final class OriginHeader {
  static final Metadata.Key<String> ORIGIN =
      Metadata.Key.of("sundial-origin", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PROOF =
      Metadata.Key.of("sundial-origin-proof", Metadata.ASCII_STRING_MARSHALLER);

  /** A call's origin. */
  public record Origin(String transport, String source, boolean relayed) {}

  private OriginHeader() {}

  public static void attach(Metadata md, Origin origin, String proof) {
    md.removeAll(ORIGIN);
    md.removeAll(PROOF);
    JsonObject o = new JsonObject();
    o.addProperty("transport", origin.transport());
    o.addProperty("source", origin.source());
    o.addProperty("relayed", origin.relayed());
    md.put(ORIGIN, ProvenMetadata.encode(o.toString()));
    md.put(PROOF, proof);
  }

  /** The origin a trusted header names, else this call's own (gRPC port or in-process). */
  public static Origin of(ServerCall<?, ?> call, Metadata md, boolean inProcess, List<String> proofs) {
    String encoded = md.get(ORIGIN);
    if (encoded != null && ProvenMetadata.proven(md.get(PROOF), proofs)) {
      try {
        JsonObject o = JsonParser.parseString(ProvenMetadata.decode(encoded)).getAsJsonObject();
        return new Origin(o.get("transport").getAsString(), o.get("source").getAsString(),
            o.get("relayed").getAsBoolean());
      } catch (RuntimeException malformed) {
        // treated as absent: the call's own origin
      }
    }
    if (inProcess) return new Origin("in-process", "embedded", false);
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return new Origin("grpc", remote == null ? "" : address(remote), false);
  }

  /** host:port without the leading slash InetSocketAddress prints. */
  public static String address(SocketAddress remote) {
    String s = remote.toString();
    int slash = s.indexOf('/');
    return slash >= 0 ? s.substring(slash + 1) : s;
  }
}
