package dev.sundial.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
  @TempDir static Path dir;
  static RSAKey rsa;
  static ECKey ec;
  static RSAKey stranger;
  static final byte[] SECRET = "a shared secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);
  static JwtAuthenticator jwt;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, other key
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
    jwt = new JwtAuthenticator(new JwtAuthenticator.Config(jwks, null, SECRET, "sundial", null));
  }

  private static JWTClaimsSet.Builder claims(Object permissions) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().subject("alice").audience("sundial")
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .notBeforeTime(Date.from(now.minus(Duration.ofMinutes(1))))
        .claim("permissions", permissions);
  }

  private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims)
      throws Exception {
    SignedJWT token = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    token.sign(signer);
    return token.serialize();
  }

  private static String rs256(JWTClaimsSet claims) throws Exception {
    return sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", claims);
  }

  @Test
  void permissionsBecomeRolesPerNamespaceAndASystemRole() throws Exception {
    Principal p = jwt.authenticate(rs256(claims(List.of(
        "orders:read", "orders:write", "billing:worker", "temporal-system:read", "bad", "x:owner"))
        .build()));
    assertThat(p.subject()).isEqualTo("alice");
    assertThat(p.authType()).isEqualTo("jwt");
    assertThat(p.namespaceRoles()).isEqualTo(Map.of("orders", Role.WRITE, "billing", Role.WORKER));
    assertThat(p.systemRole()).isEqualTo(Role.READ);
    assertThat(p.roleOn("payments")).isEqualTo(Role.READ); // the system role applies everywhere
  }

  @Test
  void es256AndHs256TokensAreAcceptedToo() throws Exception {
    JWTClaimsSet c = claims(List.of("orders:admin")).build();
    assertThat(jwt.authenticate(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", c))
        .roleOn("orders")).isEqualTo(Role.ADMIN);
    assertThat(jwt.authenticate(sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null, c))
        .roleOn("orders")).isEqualTo(Role.ADMIN);
  }

  @Test
  void expiredNotYetValidWrongAudienceAndForgedTokensAreRefused() throws Exception {
    Instant now = Instant.now();
    assertThatThrownBy(() -> jwt.authenticate(rs256(claims(List.of("orders:read"))
        .expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))).build())))
        .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("xpired");
    assertThatThrownBy(() -> jwt.authenticate(rs256(claims(List.of("orders:read"))
        .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5)))).build())))
        .isInstanceOf(InvalidCredentialsException.class);
    assertThatThrownBy(() -> jwt.authenticate(rs256(claims(List.of("orders:read"))
        .audience("someone-else").build())))
        .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("aud");
    assertThatThrownBy(() -> jwt.authenticate(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256,
        "rsa-1", claims(List.of("orders:admin")).build())))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("signature");
    assertThatThrownBy(() -> jwt.authenticate(sign(new MACSigner(
        "another secret, also 32 bytes long!!".getBytes(StandardCharsets.UTF_8)),
        JWSAlgorithm.HS256, null, claims(List.of("orders:admin")).build())))
        .isInstanceOf(InvalidCredentialsException.class);
    assertThatThrownBy(() -> jwt.authenticate("not.a.jwt"))
        .isInstanceOf(InvalidCredentialsException.class);
    assertThatThrownBy(() -> jwt.authenticate(rs256(claims("orders:admin").build())))
        .hasMessageContaining("must be a list");
  }

  @Test
  void keysComeFromAJwksUrlFetchedWhenFirstNeeded() throws Exception {
    HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger fetches = new AtomicInteger();
    byte[] jwks = new JWKSet(List.of(rsa.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
    idp.createContext("/.well-known/jwks.json", exchange -> {
      fetches.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwks.length);
      exchange.getResponseBody().write(jwks);
      exchange.close();
    });
    idp.start();
    try {
      URL url = URI.create("http://127.0.0.1:" + idp.getAddress().getPort()
          + "/.well-known/jwks.json").toURL();
      JwtAuthenticator fromUrl =
          new JwtAuthenticator(new JwtAuthenticator.Config(null, url, null, "sundial", null));
      assertThat(fetches.get()).isZero(); // nothing is fetched before a token needs it
      assertThat(fromUrl.authenticate(rs256(claims(List.of("orders:write")).build()))
          .roleOn("orders")).isEqualTo(Role.WRITE);
      assertThat(fromUrl.authenticate(rs256(claims(List.of("orders:read")).build()))
          .roleOn("orders")).isEqualTo(Role.READ);
      assertThat(fetches.get()).isEqualTo(1); // cached
      assertThatThrownBy(() -> fromUrl.authenticate(sign(new RSASSASigner(stranger),
          JWSAlgorithm.RS256, "rsa-1", claims(List.of("orders:admin")).build())))
          .isInstanceOf(InvalidCredentialsException.class);
    } finally {
      idp.stop(0);
    }
  }

  @Test
  void aPrincipalIsAllowedExactlyWhatItsRolesGrant() throws Exception {
    Principal p = jwt.authenticate(rs256(claims(List.of("orders:worker")).build()));
    String wf = "temporal.api.workflowservice.v1.WorkflowService/";
    assertThat(p.allows(RpcPolicy.of(wf + "PollWorkflowTaskQueue"), "orders")).isTrue();
    assertThat(p.allows(RpcPolicy.of(wf + "DescribeWorkflowExecution"), "orders")).isTrue();
    assertThat(p.allows(RpcPolicy.of(wf + "StartWorkflowExecution"), "orders")).isFalse();
    assertThat(p.allows(RpcPolicy.of(wf + "DescribeWorkflowExecution"), "billing")).isFalse();
    assertThat(p.allows(RpcPolicy.of(wf + "GetSystemInfo"), "")).isTrue();
    assertThat(p.allows(RpcPolicy.of(wf + "GetSearchAttributes"), "")).isFalse();
  }

  @Test
  void aConfigWithoutKeysOrWithAShortSecretIsRefused() {
    assertThatThrownBy(() -> new JwtAuthenticator.Config(null, null, null, null, null))
        .hasMessageContaining("a JWKS file, a JWKS URL or an HS256 secret");
    assertThatThrownBy(() -> new JwtAuthenticator.Config(null, null, new byte[8], null, null))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> new JwtAuthenticator(new JwtAuthenticator.Config(
        dir.resolve("missing.json"), null, null, null, null)))
        .hasMessageContaining("cannot read the JWKS file");
  }
}
