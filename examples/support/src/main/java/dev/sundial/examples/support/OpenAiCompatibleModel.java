package dev.sundial.examples.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client of an OpenAI-compatible {@code POST /chat/completions} endpoint (OpenAI, OpenRouter,
 * Ollama, vLLM), plain or streamed (Server-Sent Events). The key is sent as a bearer token and
 * never logged.
 */
public final class OpenAiCompatibleModel implements ChatModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String model;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient http;

  public OpenAiCompatibleModel(String baseUrl, String model, String apiKey, Duration timeout) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.endpoint = URI.create(base + "/chat/completions");
    this.model = model;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public String name() {
    return model + " at " + endpoint.getHost();
  }

  @Override
  public String complete(List<ChatMessage> messages) {
    HttpResponse<InputStream> response = send(messages, false);
    try (InputStream body = response.body()) {
      JsonNode root = JSON.readTree(body);
      JsonNode content = root.path("choices").path(0).path("message").path("content");
      if (!content.isTextual()) {
        throw new ModelException("the model's answer has no message content", response.statusCode(), null);
      }
      return content.asText();
    } catch (IOException e) {
      throw new ModelException("reading the model's answer failed: " + e.getMessage(), 0, e);
    }
  }

  @Override
  public String stream(List<ChatMessage> messages, Consumer<String> tokens) {
    HttpResponse<InputStream> response = send(messages, true);
    StringBuilder answer = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.startsWith("data:")) continue;
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) break;
        JsonNode delta = JSON.readTree(data).path("choices").path(0).path("delta").path("content");
        if (delta.isTextual() && !delta.asText().isEmpty()) {
          answer.append(delta.asText());
          tokens.accept(delta.asText());
        }
      }
    } catch (IOException e) {
      throw new ModelException("reading the model's stream failed: " + e.getMessage(), 0, e);
    }
    return answer.toString();
  }

  private HttpResponse<InputStream> send(List<ChatMessage> messages, boolean stream) {
    ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", stream);
    ArrayNode array = body.putArray("messages");
    for (ChatMessage m : messages) {
      array.addObject().put("role", m.role()).put("content", m.content());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ModelException("the model endpoint " + endpoint + " could not be reached: "
          + e.getMessage(), 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while calling the model", 0, e);
    }
    if (response.statusCode() / 100 != 2) {
      String text;
      try (InputStream in = response.body()) {
        text = new String(in.readNBytes(500), StandardCharsets.UTF_8);
      } catch (IOException e) {
        text = "";
      }
      throw new ModelException("the model endpoint answered HTTP " + response.statusCode()
          + (text.isBlank() ? "" : ": " + text.strip()), response.statusCode(), null);
    }
    return response;
  }
}
