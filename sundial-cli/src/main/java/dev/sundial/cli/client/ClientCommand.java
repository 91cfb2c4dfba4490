package dev.sundial.cli.client;

import ch.qos.logback.classic.Level;
import dev.sundial.cli.common.Commands;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * A command that talks to a Temporal server. Bad flags and values are found before any call
 * (one line, exit status 2); a server error prints its gRPC status and message on one line
 * (exit status 1); an unreachable server names the address and how to start one.
 */
public abstract class ClientCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;
  @Mixin protected ClientOptions clientOptions = new ClientOptions();
  @Mixin protected OutputOptions outputOptions = new OutputOptions();

  @CommandLine.Option(names = "--log-level", paramLabel = "<level>",
      description = "Client logging: debug, info, warn, error or never. Default: never."
          + " With debug, errors also print their stack trace.")
  String logLevel = "never";

  /** Exit status when the server answered with an error, or the workflow failed (execute). */
  public static final int FAILED = 1;

  /** Checks the command's own flags before connecting (IllegalArgumentException names one). */
  protected void validate() {}

  /** The command's work; returns the exit status. */
  protected abstract int run(Client client, Output out) throws Exception;

  @Override
  public final Integer call() throws Exception {
    ClientSettings settings;
    Output out;
    try {
      applyLogLevel(logLevel);
      settings = clientOptions.resolve(Commands.env(spec));
      out = outputOptions.open(spec.commandLine().getOut());
      validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    try (Client client = new Client(settings)) {
      return run(client, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (StatusRuntimeException e) {
      err.println("Error: " + describe(e.getStatus(), settings));
      if ("debug".equals(logLevel)) e.printStackTrace(err);
      err.flush();
      return FAILED;
    } catch (RuntimeException e) {
      err.println("Error: " + Commands.describe(e));
      if ("debug".equals(logLevel)) e.printStackTrace(err);
      err.flush();
      return FAILED;
    }
  }

  /** The root logger's level for a client command (the SDK's own logging included). */
  private static void applyLogLevel(String level) {
    Level l = switch (level.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.DEBUG;
      case "info" -> Level.INFO;
      case "warn" -> Level.WARN;
      case "error" -> Level.ERROR;
      case "never", "off" -> Level.OFF;
      default -> throw new IllegalArgumentException(
          "--log-level must be debug, info, warn, error or never but was '" + level + "'");
    };
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(l);
    }
  }

  /** {@code NOT_FOUND: workflow not found for ID: x}, or how to reach a server. */
  static String describe(Status status, ClientSettings settings) {
    String message = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCode() == Status.Code.UNAVAILABLE
        && (message.contains("Connection refused") || message.contains("io exception")
            || message.contains("UnresolvedAddress") || message.isEmpty())) {
      return "cannot reach a Temporal server at " + settings.address() + " (" + status.getCode()
          + (message.isEmpty() ? "" : ": " + message) + "). Start one with './sundial server start',"
          + " or point --address / TEMPORAL_ADDRESS at yours.";
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && settings.commandTimeout() != null) {
      return "DEADLINE_EXCEEDED: the command did not finish within --command-timeout "
          + Durations.format(settings.commandTimeout());
    }
    return status.getCode() + (message.isEmpty() ? "" : ": " + message);
  }

  /** Reads y/yes from the terminal for a bulk change; false without a terminal. */
  public boolean ask(String question) {
    PrintWriter out = spec.commandLine().getOut();
    out.print(question + " [y/N] ");
    out.flush();
    Console console = System.console();
    String answer = null;
    if (console != null) {
      answer = console.readLine();
    } else {
      try {
        answer = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        answer = null;
      }
    }
    return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
  }
}
