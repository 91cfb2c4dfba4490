package dev.sundial.cli.client;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.sundial.server.http.TemporalJson;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client command prints, in the chosen format: text as an aligned card of fields for one
 * object and a table for lists; JSON (indented) or JSON lines from the protobuf messages with
 * Temporal's payload shorthand; or nothing.
 */
public final class Output {
  private static final TemporalJson JSON = new TemporalJson();
  private final PrintWriter out;
  private final OutputOptions.Format format;
  private final OutputOptions.TimeFormat timeFormat;
  private final boolean shorthand;
  private final Instant now = Instant.now();

  Output(PrintWriter out, OutputOptions.Format format, OutputOptions.TimeFormat timeFormat,
      boolean shorthand) {
    this.out = out;
    this.format = format;
    this.timeFormat = timeFormat;
    this.shorthand = shorthand;
  }

  public boolean isText() {
    return format == OutputOptions.Format.text;
  }

  public boolean isJson() {
    return format == OutputOptions.Format.json || format == OutputOptions.Format.jsonl;
  }

  /** A line of text output (ignored in the other formats). */
  public void line(String text) {
    if (isText()) {
      out.println(text);
      out.flush();
    }
  }

  /** One object: a card in text, the message as JSON otherwise. */
  public void object(Map<String, ?> card, Message message) {
    if (isText()) {
      card(card);
    } else {
      json(message);
    }
  }

  /** A JSON document (JSON and JSON lines formats). */
  public void json(Message message) {
    json(message, shorthand);
  }

  /** The same with payload shorthand chosen by the caller (history for replayers: never). */
  public void json(Message message, boolean withShorthand) {
    printJson(JsonParser.parseString(JSON.print(message, withShorthand)));
  }

  /** A message as a JSON object (proto3 JSON names), to add fields to or collect in a list. */
  public static JsonObject jsonObject(Message message) {
    return JsonParser.parseString(JSON.print(message, false)).getAsJsonObject();
  }

  /** A list: one JSON array, or one line per element in JSON lines. */
  public void printList(JsonArray array) {
    if (format == OutputOptions.Format.jsonl) {
      array.forEach(this::printJson);
    } else {
      printJson(array);
    }
  }

  public void printJson(JsonElement e) {
    if (format == OutputOptions.Format.json) {
      out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(e));
    } else if (format == OutputOptions.Format.jsonl) {
      out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(e));
    }
    out.flush();
  }

  /** A message as JSON with payload shorthand (for text output and embedding). */
  public String payloads(Message message) {
    return JSON.print(message, true);
  }

  /** A search attribute or group value as text: a JSON payload's JSON as it is. */
  public String value(Payload p) {
    var encoding = p.getMetadataOrDefault("encoding", ByteString.EMPTY).toStringUtf8();
    return encoding.equals("json/plain") ? p.getData().toStringUtf8() : JSON.print(p, true);
  }

  /** Payloads as the values they carry: one payload is its value, several an array. */
  public String values(Payloads payloads) {
    return payloads.getPayloadsCount() == 1 ? JSON.print(payloads.getPayloads(0), shorthand)
        : JSON.print(payloads, shorthand);
  }

  /** Key/value lines with the keys aligned; null values are left out. */
  public void card(Map<String, ?> fields) {
    int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (e.getValue() == null) continue;
      out.println("  " + pad(e.getKey(), width) + "  " + e.getValue());
    }
    out.flush();
  }

  /** A table with a header row; columns as wide as their widest cell. */
  public void table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], String.valueOf(r.get(i)).length());
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> r : all) {
      StringBuilder b = new StringBuilder(" ");
      for (int i = 0; i < widths.length; i++) {
        b.append(' ').append(pad(String.valueOf(r.get(i)), i == widths.length - 1 ? 0 : widths[i]));
        if (i < widths.length - 1) b.append(' ');
      }
      out.println(b.toString().stripTrailing());
    }
    out.flush();
  }

  /** A count's group (GROUP BY): its values and how many. */
  public record Group(List<Payload> values, long count) {}

  /** A count in text: the total, then a table of the groups when grouped. */
  public void counted(long total, List<Group> groups) {
    line("Total: " + total);
    if (groups.isEmpty()) return;
    List<List<String>> rows = new ArrayList<>();
    for (Group g : groups) {
      List<String> values = new ArrayList<>();
      g.values().forEach(v -> values.add(value(v)));
      rows.add(List.of(String.join(", ", values), Long.toString(g.count())));
    }
    table(List.of("Group", "Count"), rows);
  }

  /** A time as --time-format says; empty for an unset timestamp. */
  public String time(Timestamp t) {
    if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) return "";
    Instant i = Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    return switch (timeFormat) {
      case iso -> i.truncatedTo(ChronoUnit.SECONDS).toString();
      case raw -> i.toString();
      case relative -> relative(i);
    };
  }

  private String relative(Instant i) {
    Duration d = Duration.between(i, now);
    boolean past = !d.isNegative();
    Duration abs = d.abs();
    String amount;
    if (abs.toSeconds() < 1) return "just now";
    if (abs.toMinutes() < 1) amount = abs.toSeconds() + "s";
    else if (abs.toHours() < 1) amount = abs.toMinutes() + "m";
    else if (abs.toDays() < 1) amount = abs.toHours() + "h";
    else amount = abs.toDays() + "d";
    return past ? amount + " ago" : "in " + amount;
  }

  /** A duration as the CLI prints them; null (left out of cards) when unset. */
  public static String duration(com.google.protobuf.Duration d) {
    if (d == null || (d.getSeconds() == 0 && d.getNanos() == 0)) return null;
    return Durations.format(Duration.ofSeconds(d.getSeconds(), d.getNanos()));
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** An insertion-ordered map for cards. */
  public static Map<String, Object> fields() {
    return new LinkedHashMap<>();
  }
}
