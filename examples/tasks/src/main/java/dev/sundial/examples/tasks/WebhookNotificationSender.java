package dev.sundial.examples.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs each notification as JSON to a webhook; anything but a 2xx answer is a failure (and the
 * activity retries). The notification's id goes in {@code Idempotency-Key} so that the receiver
 * can drop a repeat.
 */
public final class WebhookNotificationSender implements NotificationSender {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public WebhookNotificationSender(String url) {
    this.url = URI.create(url);
  }

  @Override
  public void send(Notification n) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", n.id())
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(n)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("the webhook " + url + " answered HTTP " + r.statusCode());
    }
  }
}
