package dev.sundial.server.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Turns what a caller presents into a {@link Principal}: a bearer token in the authorization
 * header (a JWT when it has a JWT's three parts, otherwise an API key), else a client certificate
 * of the TLS connection, else nobody ({@link Principal#ANONYMOUS}). Each method is used only when
 * enabled (null when not).
 */
public final class Authenticator {
  /** Longer authorization values are refused unread. */
  static final int MAX_AUTHORIZATION = 8192;

  private final ApiKeys apiKeys;
  private final JwtAuthenticator jwt;
  private final CertificateRoles certificates;

  public Authenticator(ApiKeys apiKeys, JwtAuthenticator jwt, CertificateRoles certificates) {
    this.apiKeys = apiKeys;
    this.jwt = jwt;
    this.certificates = certificates;
  }

  /** What to send, for error messages: e.g. "an API key or a JWT". */
  public String expected() {
    StringBuilder s = new StringBuilder();
    if (apiKeys != null || jwt != null) {
      s.append("'authorization: Bearer <")
          .append(apiKeys != null && jwt != null ? "API key or JWT" : apiKeys != null ? "API key" : "JWT")
          .append(">'");
    }
    if (certificates != null) {
      s.append(s.isEmpty() ? "" : " or ").append("a client certificate");
    }
    return s.toString();
  }

  /**
   * The principal of a call from its authorization header (or null) and its TLS session (or
   * null); ANONYMOUS when it presents nothing; InvalidCredentialsException saying what is wrong
   * with what it presents.
   */
  public Principal authenticate(String authorization, SSLSession tls)
      throws InvalidCredentialsException {
    if (authorization != null && !authorization.isBlank()) {
      return bearer(authorization);
    }
    if (certificates != null && tls != null) {
      X509Certificate cert = clientCertificate(tls);
      if (cert != null) return certificates.principal(cert);
    }
    return Principal.ANONYMOUS;
  }

  private Principal bearer(String authorization) throws InvalidCredentialsException {
    if (authorization.length() > MAX_AUTHORIZATION) {
      throw new InvalidCredentialsException("the authorization header is too long");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new InvalidCredentialsException(
          "the authorization header must be 'Bearer <token>', not '"
              + authorization.split(" ", 2)[0].toLowerCase(Locale.ROOT) + " ...'");
    }
    String token = authorization.substring(7).strip();
    boolean looksLikeJwt = token.chars().filter(c -> c == '.').count() == 2;
    if (looksLikeJwt) {
      if (jwt == null) {
        throw new InvalidCredentialsException("this server does not accept JWTs (--auth has no jwt)");
      }
      return jwt.authenticate(token);
    }
    if (apiKeys == null) {
      throw new InvalidCredentialsException(jwt != null
          ? "the bearer token is not a JWT" : "this server does not accept API keys (--auth has no api-key)");
    }
    return apiKeys.authenticate(token);
  }

  private static X509Certificate clientCertificate(SSLSession tls) {
    try {
      Certificate[] chain = tls.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null; // the client sent no certificate
    }
  }
}
