package dev.sundial.cli.activity;

import picocli.CommandLine.Option;

/** {@code -a/--activity-id} and {@code -r/--run-id} of a standalone activity, as the {@code temporal} CLI names them. */
final class ActivityRef {
  @Option(names = {"-a", "--activity-id"}, paramLabel = "<id>", required = true,
      description = "Activity id.")
  String activityId;

  @Option(names = {"-r", "--run-id"}, paramLabel = "<id>",
      description = "Activity run id. Default: the latest run.")
  String runId = "";
}
