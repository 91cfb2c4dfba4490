package dev.sundial.cli.client;

import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine.Option;

/** Output flags of the {@code temporal} CLI. */
public final class OutputOptions {
  /** -o values. */
  public enum Format { text, json, jsonl, none }

  /** --time-format values. */
  public enum TimeFormat { relative, iso, raw }

  @Option(names = {"-o", "--output"}, paramLabel = "<format>",
      description = "Output: text, json, jsonl or none. Default: text.")
  Format format = Format.text;

  @Option(names = "--time-format", paramLabel = "<format>",
      description = "Times in text output: relative, iso or raw. Default: relative.")
  TimeFormat timeFormat = TimeFormat.relative;

  @Option(names = "--color", paramLabel = "<when>",
      description = "Color in text output: always, never or auto. Default: auto.")
  String color = "auto";

  @Option(names = "--no-json-shorthand-payloads",
      description = "Print payloads in JSON output in their full form (metadata and base64 data).")
  boolean noJsonShorthandPayloads;

  public Output open(PrintWriter out) {
    if (!Set.of("always", "never", "auto").contains(color)) {
      throw new IllegalArgumentException("--color must be always, never or auto but was '" + color + "'");
    }
    return new Output(out, format, timeFormat, !noJsonShorthandPayloads);
  }
}
