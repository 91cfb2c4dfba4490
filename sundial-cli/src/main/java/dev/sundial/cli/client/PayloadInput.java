package dev.sundial.cli.client;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Input payloads as the {@code temporal} CLI takes them: each --input (or --input-file) is one
 * argument, JSON unless --input-base64; --input-meta adds metadata to every one (the encoding is
 * json/plain unless it says otherwise).
 */
public final class PayloadInput {
  @Option(names = {"-i", "--input"}, paramLabel = "<json>",
      description = "An input argument as JSON; repeatable, one per argument.")
  List<String> input = new ArrayList<>();

  @Option(names = "--input-file", paramLabel = "<file>",
      description = "A file holding an input argument as JSON; repeatable.")
  List<String> inputFile = new ArrayList<>();

  @Option(names = "--input-meta", paramLabel = "<key=value>",
      description = "Metadata of every input payload (e.g. encoding=json/plain); repeatable.")
  List<String> inputMeta = new ArrayList<>();

  @Option(names = "--input-base64", description = "Inputs are base64 bytes, not JSON.")
  boolean inputBase64;

  /** The payloads, or null when no input was given; IllegalArgumentException names the flag. */
  public Payloads payloads() {
    return build(input, inputFile, inputMeta, inputBase64, "--input");
  }

  public static Payloads build(List<String> values, List<String> files, List<String> meta, boolean base64,
      String flag) {
    List<String> texts = new ArrayList<>(values);
    for (String f : files) {
      try {
        texts.add(Files.readString(Path.of(f), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalArgumentException(flag + "-file: cannot read " + f + ": " + e.getMessage());
      }
    }
    if (texts.isEmpty()) {
      return null;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("encoding", base64 ? "binary/plain" : "json/plain");
    for (String kv : meta) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(flag + "-meta must be key=value but was '" + kv + "'");
      }
      metadata.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    Payloads.Builder b = Payloads.newBuilder();
    for (String t : texts) {
      b.addPayloads(payload(t, metadata, base64, flag));
    }
    return b.build();
  }

  /** One JSON value (or base64 bytes) as a payload. */
  public static Payload payload(String text, Map<String, String> metadata, boolean base64, String flag) {
    byte[] data;
    if (base64) {
      try {
        data = Base64.getDecoder().decode(text.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + " is not valid base64: " + e.getMessage());
      }
    } else {
      try {
        strictJson(text);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(flag + " must be JSON (e.g. '{\"name\": \"x\"}', '\"text\"',"
            + " 42) but was '" + abbreviate(text) + "'");
      }
      data = text.strip().getBytes(StandardCharsets.UTF_8);
    }
    Payload.Builder p = Payload.newBuilder().setData(ByteString.copyFrom(data));
    metadata.forEach((k, v) -> p.putMetadata(k, ByteString.copyFromUtf8(v)));
    return p.build();
  }

  /** One KEY=JSON flag value (memo, search attribute) as a payload with json/plain encoding. */
  public static Map.Entry<String, Payload> keyJson(String kv, String flag) {
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + " must be KEY=JSON but was '" + kv + "'");
    }
    return Map.entry(kv.substring(0, eq), payload(kv.substring(eq + 1),
        Map.of("encoding", "json/plain"), false, flag));
  }

  /** One strict JSON value and nothing after it (Gson's parser alone would accept bare words). */
  static void strictJson(String text) throws IOException {
    JsonReader reader =
        new JsonReader(new StringReader(text));
    new Gson().getAdapter(JsonElement.class).read(reader);
    if (reader.peek() != JsonToken.END_DOCUMENT) {
      throw new IOException("more than one JSON value");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
