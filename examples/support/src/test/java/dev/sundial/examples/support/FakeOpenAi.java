package dev.sundial.examples.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local OpenAI-compatible chat-completions server for tests: it answers "Fake answer to: "
 * and the last user message, plain or streamed word by word (SSE), and can be told to fail the
 * next N calls (HTTP 503), to fail until told otherwise, or to wait before answering.
 */
public final class FakeOpenAi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile boolean down;
  private final AtomicLong latencyMillis = new AtomicLong();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();

  public FakeOpenAi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** A started fake, for a test class's static field. */
  public static FakeOpenAi start() {
    try {
      return new FakeOpenAi();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The base URL to give the client (LLM_BASE_URL). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public FakeOpenAi failNext(int n) {
    failNext.set(n);
    return this;
  }

  /** Every call fails (503) until {@code setDown(false)}. */
  public FakeOpenAi setDown(boolean down) {
    this.down = down;
    return this;
  }

  public FakeOpenAi latency(long millis) {
    latencyMillis.set(millis);
    return this;
  }

  /** Calls received, failed ones included. */
  public int calls() {
    return calls.get();
  }

  /** Calls answered successfully. */
  public int answered() {
    return answered.get();
  }

  public static String answerTo(String userMessage) {
    return "Fake answer to: " + userMessage;
  }

  private void handle(HttpExchange exchange) throws IOException {
    calls.incrementAndGet();
    try (exchange) {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      long wait = latencyMillis.get();
      if (wait > 0) {
        try {
          Thread.sleep(wait); // the injected latency of a slow model
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (down || failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        byte[] body = "{\"error\":{\"message\":\"model overloaded\"}}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(503, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      String last = "";
      for (JsonNode m : request.path("messages")) {
        if (m.path("role").asText().equals("user")) last = m.path("content").asText();
      }
      String answer = answerTo(last);
      if (request.path("stream").asBoolean(false)) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String token : answer.split("(?<= )")) {
          ObjectNode chunk = JSON.createObjectNode();
          chunk.putArray("choices").addObject().putObject("delta").put("content", token);
          out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      } else {
        ObjectNode body = JSON.createObjectNode().put("id", "fake").put("model", request.path("model").asText());
        body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
            .putObject("message").put("role", "assistant").put("content", answer);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
      answered.incrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
