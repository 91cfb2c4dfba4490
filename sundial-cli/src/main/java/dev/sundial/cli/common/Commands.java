package dev.sundial.cli.common;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;

/** What every command shares: the environment it reads, and how errors are printed. */
public final class Commands {
  public static final String MISSING_SUBCOMMAND = "Missing required subcommand";

  private Commands() {}

  /** The root command, which holds the environment the subcommands read. */
  public interface EnvironmentRoot {
    Map<String, String> environment();
  }

  /** The environment the subcommands read (SUNDIAL_DB, ...); tests pass their own. */
  public static Map<String, String> env(CommandSpec spec) {
    return spec.root().userObject() instanceof EnvironmentRoot root
        ? root.environment()
        : System.getenv();
  }

  /** The messages of an exception and its causes, without repeats, for a one-line error. */
  public static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Set<String> seen = new LinkedHashSet<>();
    for (Throwable t = e; t != null && seen.size() < 5; t = t.getCause()) {
      String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
      // Wrappers often prefix their cause's message ("Failed to initialize pool: <cause>"):
      // a message whose tail is already shown adds nothing.
      int prefix = msg.indexOf(": ");
      boolean tailShown = prefix > 0 && sb.toString().contains(msg.substring(prefix + 2));
      if (seen.add(msg) && !tailShown && !sb.toString().contains(msg)) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(msg);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }
}
