package dev.sundial.server.security;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for the calls cluster nodes make to each other on their gRPC ports: the CA that signs the
 * nodes' server certificates (checked, with the host name of the advertised address or
 * {@code serverName} when given), while each node presents its own {@code --tls-cert} as its
 * client certificate, so nodes pass a listener that requires client certificates.
 */
public record InternodeTls(Path caFile, String serverName) {
  public InternodeTls {
    Objects.requireNonNull(caFile, "caFile");
  }
}
