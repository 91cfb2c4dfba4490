package dev.sundial.engine.state;

/**
 * The key a standalone activity's run is kept under: its activity id behind a reserved prefix (a
 * workflow id cannot start with it), so that activity ids never meet workflow ids, and the
 * visibility division its row is listed in (workflow lists exclude it).
 */
public final class StandaloneActivityKey {
  private StandaloneActivityKey() {}

  /** Prefix of a standalone activity's run key. */
  public static final String PREFIX = "\u001Factivity\u001F";

  /** The namespace division of its visibility row. */
  public static final String DIVISION = "TemporalStandaloneActivity";

  public static String of(String activityId) {
    return PREFIX + activityId;
  }

  public static String activityId(String key) {
    return key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
  }

  /** Whether the run carries a standalone activity. */
  public static boolean is(MutableState s) {
    return s.workflowId.startsWith(PREFIX);
  }
}
