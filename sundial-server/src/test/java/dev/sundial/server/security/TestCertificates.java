package dev.sundial.server.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for a test: a CA, and server or client certificates it signs, written as PEM
 * files (certificate chain and PKCS#8 key) the way an operator hands them to Sundial.
 */
public final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate with its key, and the CA that signed it (null for a CA itself). */
  public record Issued(X509Certificate cert, KeyPair keys, Issued issuer) {
    /** Writes {@code <name>.crt} and {@code <name>.key} into {@code dir}. */
    public PemFiles written(Path dir, String name) throws IOException {
      Path crt = dir.resolve(name + ".crt");
      Path key = dir.resolve(name + ".key");
      writeAtomically(crt, pem(cert));
      writeAtomically(key, pem(keys.getPrivate()));
      return new PemFiles(crt, key);
    }
  }

  /** The PEM files of an {@link Issued} certificate. */
  public record PemFiles(Path cert, Path key) {}

  /** A CA, a server certificate and a client certificate it signs, written into one directory. */
  public record Pki(Issued ca, Path caFile, Issued server, PemFiles serverFiles, Issued client,
      PemFiles clientFiles) {
    /** Server TLS that requires a client certificate of this CA. */
    public TlsConfig mutualTls() {
      return new TlsConfig(serverFiles.cert(), serverFiles.key(), caFile, true);
    }
  }

  /** Makes a {@link Pki} in {@code dir} ({@code ca.crt}, {@code server.*}, {@code client.*}). */
  public static Pki writeSet(Path dir) throws IOException {
    Issued ca = ca("Test CA");
    Path caFile = dir.resolve("ca.crt");
    writeAtomically(caFile, pem(ca.cert()));
    Issued server = server(ca);
    Issued client = client(ca, "client");
    return new Pki(ca, caFile, server, server.written(dir, "server"), client,
        client.written(dir, "client"));
  }

  private TestCertificates() {}

  public static Issued ca(String name) {
    return issue(name, null, true);
  }

  /** A server certificate for localhost and 127.0.0.1. */
  public static Issued server(Issued ca) {
    return issue("localhost", ca, false);
  }

  public static Issued client(Issued ca, String commonName) {
    return issue(commonName, ca, false);
  }

  private static Issued issue(String cn, Issued ca, boolean isCa) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(256);
      KeyPair keys = gen.generateKeyPair();
      X500Name subject = new X500Name("CN=" + cn);
      X500Name issuer = ca == null ? subject : new X500Name(ca.cert().getSubjectX500Principal().getName());
      Instant now = Instant.now();
      var b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))),
          subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        b.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, cn.equals("localhost") ? "localhost" : cn),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      var signer = new JcaContentSignerBuilder("SHA256withECDSA")
          .build(ca == null ? keys.getPrivate() : ca.keys().getPrivate());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
      return new Issued(cert, keys, ca);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }

  public static String pem(Object o) {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return s.toString();
  }

  /** Replaces a file in one step, as a certificate rotation tool does. */
  public static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
