package dev.sundial.server.security;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for Sundial's listeners: a PEM certificate chain and its private key, and optionally the CA
 * that signs client certificates (mTLS), with whether a client must present one.
 */
public record TlsConfig(Path certFile, Path keyFile, Path clientCaFile, boolean requireClientCert) {
  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    if (requireClientCert && clientCaFile == null) {
      throw new IllegalArgumentException(
          "requiring client certificates needs the CA that signs them (--tls-client-ca)");
    }
  }

  /** Server TLS without client certificates. */
  public static TlsConfig of(Path certFile, Path keyFile) {
    return new TlsConfig(certFile, keyFile, null, false);
  }
}
