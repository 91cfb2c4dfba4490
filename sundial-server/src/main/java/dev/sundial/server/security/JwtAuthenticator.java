package dev.sundial.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs as Temporal's default claim mapper reads them: the signature is checked against the
 * keys of a JWKS file or URL (RS256, ES256) or a shared secret (HS256); {@code exp}, {@code nbf} and,
 * when configured, {@code aud} are checked; roles come from a claim (default {@code permissions})
 * holding {@code "<namespace>:<read|write|worker|admin>"} strings, {@code temporal-system:<role>}
 * for the system role.
 */
public final class JwtAuthenticator {
  /** Where keys come from and what the tokens must say. */
  public record Config(Path jwksFile, URL jwksUrl, byte[] hmacSecret, String audience,
      String permissionsClaim) {
    public Config {
      if (jwksFile == null && jwksUrl == null && hmacSecret == null) {
        throw new IllegalArgumentException(
            "JWT needs a JWKS file, a JWKS URL or an HS256 secret (--jwt-jwks-file,"
                + " --jwt-jwks-url, --jwt-hs256-secret-file)");
      }
      if (jwksFile != null && jwksUrl != null) {
        throw new IllegalArgumentException("give a JWKS file or a JWKS URL, not both");
      }
      if (hmacSecret != null && hmacSecret.length < 32) {
        throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes");
      }
      if (permissionsClaim == null || permissionsClaim.isBlank()) {
        permissionsClaim = "permissions";
      }
    }
  }

  private final Config config;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  public JwtAuthenticator(Config config) {
    this.config = config;
    JWSKeySelector<SecurityContext> asymmetric = null;
    if (config.jwksFile() != null) {
      try {
        asymmetric = new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
            new ImmutableJWKSet<>(JWKSet.load(config.jwksFile().toFile())));
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException(
            "cannot read the JWKS file " + config.jwksFile() + ": " + e.getMessage(), e);
      }
    } else if (config.jwksUrl() != null) {
      // Fetched when first needed, cached, and fetched again when a token names an unknown key
      // (rate-limited): the only outbound request Sundial makes, and only to the configured URL.
      asymmetric = new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
          JWKSourceBuilder.<SecurityContext>create(config.jwksUrl()).retrying(true).build());
    }
    JWSKeySelector<SecurityContext> symmetric = config.hmacSecret() == null ? null
        : new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
            new ImmutableSecret<>(config.hmacSecret()));
    JWSKeySelector<SecurityContext> keys = asymmetric;
    JWSKeySelector<SecurityContext> hmac = symmetric;
    processor.setJWSKeySelector((header, context) -> {
      JWSKeySelector<SecurityContext> chosen =
          JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? hmac : keys;
      return chosen == null ? List.of() : chosen.selectJWSKeys(header, context);
    });
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
        config.audience() == null ? null : Set.of(config.audience()), null, null, null));
  }

  /** The principal a token names; InvalidCredentialsException saying why it names nobody. */
  public Principal authenticate(String token) throws InvalidCredentialsException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw new InvalidCredentialsException("the bearer token is not a JWT");
    } catch (BadJWTException e) {
      throw new InvalidCredentialsException("the JWT is not valid: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw new InvalidCredentialsException("the JWT signature does not verify: " + e.getMessage());
    } catch (JOSEException e) {
      throw new InvalidCredentialsException("the JWT cannot be checked: " + e.getMessage());
    }
    String subject = claims.getSubject() == null ? "" : claims.getSubject();
    return Grants.parsePermissions(permissions(claims)).principal(subject, "jwt");
  }

  private List<String> permissions(JWTClaimsSet claims) throws InvalidCredentialsException {
    Object value = claims.getClaim(config.permissionsClaim());
    if (value == null) return List.of();
    if (!(value instanceof List<?> list)) {
      throw new InvalidCredentialsException(
          "the JWT claim " + config.permissionsClaim() + " must be a list of strings");
    }
    return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }
}
