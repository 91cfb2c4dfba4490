package dev.sundial.engine.schedule;

import io.temporal.api.common.v1.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The filter of ListSchedules: conditions joined by AND, each one of {@code ScheduleId = 'id'},
 * {@code ScheduleId != 'id'}, {@code ScheduleId STARTS_WITH 'prefix'}, {@code ScheduleId IN ('a',
 * 'b')}, {@code TemporalSchedulePaused = true|false}, or {@code <SearchAttribute> = <value>} against
 * the schedule's own search attributes. Anything else is rejected (IllegalArgumentException).
 */
final class ScheduleQuery {
  private ScheduleQuery() {}

  static Predicate<ScheduleState> parse(String query) {
    if (query == null || query.isBlank()) {
      return s -> true;
    }
    List<String> tokens = tokens(query);
    List<Predicate<ScheduleState>> all = new ArrayList<>();
    int i = 0;
    while (true) {
      if (i >= tokens.size()) {
        throw new IllegalArgumentException("query ends where a condition was expected");
      }
      String attr = tokens.get(i++);
      if (isLiteral(attr)) {
        throw new IllegalArgumentException("expected a search attribute name, got " + attr);
      }
      if (i >= tokens.size()) {
        throw new IllegalArgumentException("missing operator after " + attr);
      }
      String op = tokens.get(i++).toUpperCase(Locale.ROOT);
      Predicate<ScheduleState> p;
      if (op.equals("IN")) {
        if (i >= tokens.size() || !tokens.get(i).equals("(")) {
          throw new IllegalArgumentException("IN needs a parenthesized list");
        }
        i++;
        List<String> values = new ArrayList<>();
        while (true) {
          if (i >= tokens.size()) throw new IllegalArgumentException("unterminated IN list");
          values.add(literal(tokens.get(i++)));
          if (i >= tokens.size()) throw new IllegalArgumentException("unterminated IN list");
          String t = tokens.get(i++);
          if (t.equals(")")) break;
          if (!t.equals(",")) throw new IllegalArgumentException("expected , or ) in IN list, got " + t);
        }
        p = condition(attr, "IN", values);
      } else {
        if (i >= tokens.size()) {
          throw new IllegalArgumentException("missing value after " + attr + " " + op);
        }
        p = condition(attr, op, List.of(literal(tokens.get(i++))));
      }
      all.add(p);
      if (i >= tokens.size()) {
        break;
      }
      String and = tokens.get(i++);
      if (!and.equalsIgnoreCase("AND")) {
        throw new IllegalArgumentException(
            "unsupported schedule query syntax near \"" + and + "\" (only AND of simple conditions)");
      }
    }
    return s -> all.stream().allMatch(p -> p.test(s));
  }

  private static Predicate<ScheduleState> condition(String attr, String op, List<String> values) {
    String v = values.get(0);
    if (attr.equals("ScheduleId")) {
      return switch (op) {
        case "=" -> s -> s.scheduleId.equals(v);
        case "!=" -> s -> !s.scheduleId.equals(v);
        case "STARTS_WITH" -> s -> s.scheduleId.startsWith(v);
        case "IN" -> s -> values.contains(s.scheduleId);
        default -> throw new IllegalArgumentException("operator " + op + " is not supported for ScheduleId");
      };
    }
    if (attr.equals("TemporalSchedulePaused")) {
      if (!op.equals("=") && !op.equals("!=")) {
        throw new IllegalArgumentException("operator " + op + " is not supported for TemporalSchedulePaused");
      }
      boolean want = switch (v.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("TemporalSchedulePaused takes true or false, got " + v);
      };
      boolean eq = op.equals("=");
      return s -> (s.schedule.getState().getPaused() == want) == eq;
    }
    if (!op.equals("=") && !op.equals("!=") && !op.equals("IN")) {
      throw new IllegalArgumentException("operator " + op + " is not supported for " + attr);
    }
    boolean eq = !op.equals("!=");
    return s -> {
      Payload p = s.searchAttributes.getIndexedFieldsMap().get(attr);
      boolean match = p != null && values.stream().anyMatch(x -> matches(p, x));
      return match == eq;
    };
  }

  private static boolean matches(Payload p, String value) {
    String json = p.getData().toStringUtf8().strip();
    if (json.startsWith("[")) {
      return json.contains(quote(value));
    }
    return json.equals(quote(value)) || json.equals(value);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static boolean isLiteral(String t) {
    return t.startsWith("'") || t.startsWith("\"") || t.equals("(") || t.equals(")") || t.equals(",");
  }

  private static String literal(String t) {
    if (t.startsWith("'") || t.startsWith("\"")) {
      return t.substring(1, t.length() - 1);
    }
    if (t.equals("(") || t.equals(")") || t.equals(",")) {
      throw new IllegalArgumentException("expected a value, got " + t);
    }
    return t;
  }

  private static List<String> tokens(String q) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < q.length()) {
      char c = q.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder().append(c);
        int j = i + 1;
        while (j < q.length() && q.charAt(j) != c) {
          if (q.charAt(j) == '\\' && j + 1 < q.length()) j++;
          b.append(q.charAt(j++));
        }
        if (j >= q.length()) {
          throw new IllegalArgumentException("unterminated string starting at offset " + i);
        }
        out.add(b.append(c).toString());
        i = j + 1;
      } else if (c == '(' || c == ')' || c == ',') {
        out.add(String.valueOf(c));
        i++;
      } else if (c == '=' ) {
        out.add("=");
        i++;
      } else if (c == '!' && i + 1 < q.length() && q.charAt(i + 1) == '=') {
        out.add("!=");
        i += 2;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') {
        int j = i;
        while (j < q.length() && (Character.isLetterOrDigit(q.charAt(j)) || "_-.".indexOf(q.charAt(j)) >= 0)) j++;
        out.add(q.substring(i, j));
        i = j;
      } else {
        throw new IllegalArgumentException("unexpected character '" + c + "' at offset " + i);
      }
    }
    return out;
  }
}
