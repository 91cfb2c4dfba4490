package dev.sundial.cli.client;

import com.google.protobuf.ProtocolMessageEnum;
import java.util.Locale;

/**
 * Enum flag values as the {@code temporal} CLI spells them ({@code AllowDuplicate},
 * {@code TerminateIfRunning}) mapped to the API's constants ({@code
 * WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE}); the constant's own name is accepted too.
 */
public final class Enums {
  private Enums() {}

  public static <E extends Enum<E> & ProtocolMessageEnum> E parse(
      Class<E> type, String prefix, String value, String flag) {
    String snake = value.strip().replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_')
        .toUpperCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().endsWith("UNSPECIFIED") || e.name().equals("UNRECOGNIZED")) continue;
      if (e.name().equals(snake) || e.name().equals(prefix + snake)) {
        return e;
      }
    }
    StringBuilder names = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      if (e.name().endsWith("UNSPECIFIED") || e.name().equals("UNRECOGNIZED")) continue;
      if (names.length() > 0) names.append(", ");
      names.append(display(e.name(), prefix));
    }
    throw new IllegalArgumentException(flag + " must be one of " + names + " but was '" + value + "'");
  }

  /** {@code WORKFLOW_EXECUTION_STATUS_RUNNING} → {@code Running}. */
  public static String display(String constant, String prefix) {
    String rest = constant.startsWith(prefix) ? constant.substring(prefix.length()) : constant;
    StringBuilder b = new StringBuilder();
    for (String word : rest.toLowerCase(Locale.ROOT).split("_")) {
      if (word.isEmpty()) continue;
      b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return b.toString();
  }
}
