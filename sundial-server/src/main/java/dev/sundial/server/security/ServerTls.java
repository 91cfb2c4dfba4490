package dev.sundial.server.security;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS, shared by the gRPC and HTTP listeners: the key and certificates are
 * read from their PEM files at start and read again whenever the files change, so a rotated
 * certificate is served without a restart. Only TLS 1.3 and 1.2 are offered.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /** The key manager holds one identity; it answers any alias with it. */
  private static final String ALIAS = "default";

  private final TlsConfig config;
  private final AdvancedTlsX509KeyManager keys;
  private final AdvancedTlsX509TrustManager clientCas;
  private final InternodeTls internode;
  private final AdvancedTlsX509TrustManager nodeCas;
  private volatile List<FileStamp> identityStamps = List.of();
  private volatile FileStamp caStamp;
  private volatile FileStamp nodeCaStamp;
  private final ScheduledExecutorService reloader =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sundial-tls-reload");
        t.setDaemon(true);
        return t;
      });

  private ServerTls(TlsConfig config, AdvancedTlsX509KeyManager keys,
      AdvancedTlsX509TrustManager clientCas, InternodeTls internode,
      AdvancedTlsX509TrustManager nodeCas) {
    this.config = config;
    this.keys = keys;
    this.clientCas = clientCas;
    this.internode = internode;
    this.nodeCas = nodeCas;
  }

  /**
   * Reads the files (failing with a message that names the bad one) and checks them again every
   * {@code reloadEvery}.
   */
  public static ServerTls start(TlsConfig config, Duration reloadEvery) {
    return start(config, null, reloadEvery);
  }

  /** The same, with the CA of the other nodes' certificates for node-to-node calls (or null). */
  public static ServerTls start(TlsConfig config, InternodeTls internode, Duration reloadEvery) {
    ServerTls tls;
    try {
      AdvancedTlsX509TrustManager cas = config.clientCaFile() == null ? null
          : AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
              .build();
      // A node checks the certificate and the host name of the node it calls.
      AdvancedTlsX509TrustManager nodeCas = internode == null ? null
          : AdvancedTlsX509TrustManager.newBuilder().build();
      tls = new ServerTls(config, new AdvancedTlsX509KeyManager(), cas, internode, nodeCas);
    } catch (CertificateException e) {
      throw new IllegalStateException("TLS is not available in this JVM: " + describe(e), e);
    }
    try {
      tls.loadIdentity();
      tls.loadClientCas();
      tls.loadNodeCas();
    } catch (IllegalArgumentException e) {
      tls.close();
      throw e;
    }
    // grpc-util's own file watch checks at most once a minute; this one checks as often as asked.
    long period = reloadEvery.toMillis();
    tls.reloader.scheduleWithFixedDelay(tls::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
    return tls;
  }

  private void loadIdentity() {
    FileStamp cert = FileStamp.of(config.certFile());
    FileStamp key = FileStamp.of(config.keyFile());
    try {
      // Parsed and checked on the side, then swapped in at once: a handshake never sees a
      // certificate whose key is not written yet.
      AdvancedTlsX509KeyManager next = new AdvancedTlsX509KeyManager();
      next.updateIdentityCredentials(config.certFile().toFile(), config.keyFile().toFile());
      X509Certificate[] chain = next.getCertificateChain(ALIAS);
      PrivateKey privateKey = next.getPrivateKey(ALIAS);
      if (chain.length == 0 || !matches(privateKey, chain[0])) {
        throw new GeneralSecurityException("the key does not belong to the certificate");
      }
      keys.updateIdentityCredentials(chain, privateKey);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use the TLS certificate " + config.certFile()
          + " and key " + config.keyFile() + ": " + describe(e), e);
    }
    identityStamps = List.of(cert, key);
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert)
      throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // an unusual key type: the handshake will tell
    }
    byte[] probe = "sundial".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(probe);
    return verifier.verify(signature);
  }

  private void loadClientCas() {
    if (clientCas == null) {
      return;
    }
    FileStamp ca = FileStamp.of(config.clientCaFile());
    try {
      clientCas.updateTrustCredentials(config.clientCaFile().toFile());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the client CA " + config.clientCaFile() + ": " + describe(e), e);
    }
    caStamp = ca;
  }

  private void loadNodeCas() {
    if (nodeCas == null) {
      return;
    }
    FileStamp ca = FileStamp.of(internode.caFile());
    try {
      nodeCas.updateTrustCredentials(internode.caFile().toFile());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the internode CA " + internode.caFile() + ": " + describe(e), e);
    }
    nodeCaStamp = ca;
  }

  /**
   * Reads the files again when they changed. A bad new file (half written, wrong key) keeps the
   * previous credentials and is tried again at the next check.
   */
  private void reloadIfChanged() {
    try {
      if (!List.of(FileStamp.of(config.certFile()), FileStamp.of(config.keyFile()))
          .equals(identityStamps)) {
        loadIdentity();
        log.info("TLS certificate reloaded from {}", config.certFile());
      }
      if (clientCas != null && !FileStamp.of(config.clientCaFile()).equals(caStamp)) {
        loadClientCas();
        log.info("client CA reloaded from {}", config.clientCaFile());
      }
      if (nodeCas != null && !FileStamp.of(internode.caFile()).equals(nodeCaStamp)) {
        loadNodeCas();
        log.info("internode CA reloaded from {}", internode.caFile());
      }
    } catch (RuntimeException e) {
      log.warn("keeping the previous TLS files: {}", e.getMessage());
    }
  }

  /** When a file was last changed, and its size: a replaced file differs in one or the other. */
  private record FileStamp(long modifiedMillis, long size) {
    static FileStamp of(Path p) {
      File f = p.toFile();
      return new FileStamp(f.lastModified(), f.length());
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  public TlsConfig config() {
    return config;
  }

  /** For the gRPC listener (grpc-java's shaded Netty). */
  public io.grpc.netty.shaded.io.netty.handler.ssl.SslContext grpcContext() throws SSLException {
    var b = io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.configure(
        io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forServer(keys));
    if (clientCas != null) {
      b.trustManager(clientCas).clientAuth(config.requireClientCert()
          ? io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.REQUIRE
          : io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.OPTIONAL);
    }
    return b.protocols(PROTOCOLS).build();
  }

  /**
   * For calls to the other nodes (grpc-java's shaded Netty): this node's certificate as client
   * certificate, the internode CA as trust; null without internode TLS.
   */
  public io.grpc.netty.shaded.io.netty.handler.ssl.SslContext nodeClientContext() throws SSLException {
    if (nodeCas == null) return null;
    return io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient()
        .keyManager(keys).trustManager(nodeCas).protocols(PROTOCOLS).build();
  }

  /** The internode settings, or null. */
  public InternodeTls internode() {
    return internode;
  }

  /** For the HTTP API and UI listeners (Netty). */
  public io.netty.handler.ssl.SslContext httpContext() throws SSLException {
    var b = io.netty.handler.ssl.SslContextBuilder.forServer(keys);
    if (clientCas != null) {
      b.trustManager(clientCas).clientAuth(config.requireClientCert()
          ? io.netty.handler.ssl.ClientAuth.REQUIRE
          : io.netty.handler.ssl.ClientAuth.OPTIONAL);
    }
    return b.protocols(PROTOCOLS).build();
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
