package dev.sundial.cli;

import io.temporal.serviceclient.Version;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code sundial --version}: Sundial's version, the Temporal API it speaks, and the JVM. */
final class VersionProvider implements IVersionProvider {

  private static final String POM_PROPERTIES =
      "/META-INF/maven/dev.sundial/sundial-server/pom.properties";

  /** The version Maven recorded in the JAR, or "development build" when run from classes. */
  static String sundialVersion() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties props = new Properties();
        props.load(in);
        String version = props.getProperty("version");
        if (version != null && !version.isBlank()) {
          return version;
        }
      }
    } catch (IOException ignored) {
      // fall through
    }
    return "development build";
  }

  static String temporalApiVersion() {
    try {
      return Version.LIBRARY_VERSION;
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "sundial " + sundialVersion(),
      "Temporal API: io.temporal:temporal-serviceclient " + temporalApiVersion(),
      "JVM: "
          + System.getProperty("java.vm.name")
          + " "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + ")"
    };
  }
}
