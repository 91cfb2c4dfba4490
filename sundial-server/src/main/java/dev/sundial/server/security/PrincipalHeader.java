package dev.sundial.server.security;

import io.grpc.Metadata;
import java.util.List;

/**
 * A principal already authenticated elsewhere, carried with a call as metadata: by the HTTP
 * frontend into the in-process gRPC server (still to be authorized there), and by cluster
 * forwarding to the node that serves a call (authorized already, at the node that received it).
 * Trusted only with a proof a caller outside cannot present: the process's own random secret or
 * the cluster's secret.
 */
public final class PrincipalHeader {
  static final Metadata.Key<String> PRINCIPAL =
      Metadata.Key.of("sundial-principal", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PROOF =
      Metadata.Key.of("sundial-principal-proof", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZED =
      Metadata.Key.of("sundial-principal-authorized", Metadata.ASCII_STRING_MARSHALLER);

  /** A carried principal, and whether the call was authorized already. */
  public record Carried(Principal principal, boolean authorized) {}

  private PrincipalHeader() {}

  /** Adds the principal to outgoing metadata, replacing any a caller put there. */
  public static void attach(Metadata md, Principal principal, boolean authorized, String proof) {
    md.removeAll(PRINCIPAL);
    md.removeAll(PROOF);
    md.removeAll(AUTHORIZED);
    md.put(PRINCIPAL, ProvenMetadata.encode(principal.encode()));
    md.put(PROOF, proof);
    if (authorized) md.put(AUTHORIZED, "true");
  }

  /**
   * The carried principal, or null when the call carries none; InvalidCredentialsException when
   * it carries one without a valid proof.
   */
  static Carried read(Metadata md, List<String> proofs) throws InvalidCredentialsException {
    String encoded = md.get(PRINCIPAL);
    if (encoded == null) return null;
    if (!ProvenMetadata.proven(md.get(PROOF), proofs)) {
      throw new InvalidCredentialsException("sundial-principal is set by Sundial's nodes only");
    }
    try {
      Principal p = Principal.decode(ProvenMetadata.decode(encoded));
      return new Carried(p, "true".equals(md.get(AUTHORIZED)));
    } catch (RuntimeException e) {
      throw new InvalidCredentialsException("malformed sundial-principal");
    }
  }

  /** Whether metadata of this name is Sundial's own and must never come from a caller. */
  public static boolean reserved(String name) {
    return name.startsWith("sundial-");
  }
}
