package dev.sundial.server.security;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Roles of callers authenticated by a client certificate (mTLS): each rule
 * {@code <pattern>=<namespace>:<role>} grants its role to certificates whose subject CN or any
 * DNS, URI or e-mail subject alternative name matches the pattern ({@code *} matches any run of
 * characters). A certificate no rule matches authenticates with no roles.
 */
public final class CertificateRoles {
  private record Rule(String text, Pattern pattern, String grant) {}

  private final List<Rule> rules;

  private CertificateRoles(List<Rule> rules) {
    this.rules = rules;
  }

  /** Parses the rules; IllegalArgumentException naming the one that is malformed. */
  public static CertificateRoles parse(Collection<String> texts) {
    List<Rule> rules = new ArrayList<>();
    for (String text : texts) {
      int eq = text.lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "a certificate role is <subject pattern>=<namespace>:<role>, not '" + text + "'");
      }
      String grant = text.substring(eq + 1).strip();
      Grants.parse(List.of(grant)); // validates
      String glob = text.substring(0, eq).strip();
      StringBuilder regex = new StringBuilder();
      for (String part : glob.split("\\*", -1)) {
        if (!regex.isEmpty()) regex.append(".*");
        regex.append(Pattern.quote(part));
      }
      rules.add(new Rule(text, Pattern.compile(regex.toString()), grant));
    }
    return new CertificateRoles(List.copyOf(rules));
  }

  public Principal principal(X509Certificate cert) {
    List<String> names = names(cert);
    List<String> grants = new ArrayList<>();
    for (Rule rule : rules) {
      if (names.stream().anyMatch(n -> rule.pattern().matcher(n).matches())) {
        grants.add(rule.grant());
      }
    }
    String subject = names.isEmpty() ? cert.getSubjectX500Principal().getName() : names.get(0);
    return Grants.parse(grants).principal(subject, "mtls");
  }

  /** The CN first, then the DNS (2), e-mail (1) and URI (6) subject alternative names. */
  static List<String> names(X509Certificate cert) {
    Set<String> names = new LinkedHashSet<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) names.add(rdn.getValue().toString());
      }
    } catch (InvalidNameException e) {
      // no usable subject: the alternative names may still match
    }
    try {
      Collection<List<?>> alt = cert.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> entry : alt) {
          int type = (Integer) entry.get(0);
          if ((type == 1 || type == 2 || type == 6) && entry.get(1) instanceof String s) {
            names.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // malformed extension: ignored, the CN still counts
    }
    return List.copyOf(names);
  }
}
