package dev.sundial.server.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * /health (liveness: the process serves HTTP) and /ready (readiness: 503 with the reasons while
 * the server cannot serve), on the UI port and the metrics port. Open to anyone: probes carry no
 * credentials, and the answers name no data.
 */
final class HealthEndpoints {
  private HealthEndpoints() {}

  static boolean handles(String path) {
    return path.equals("/health") || path.equals("/ready");
  }

  static void serve(HttpRequestHandler h, ChannelHandlerContext ctx, boolean keepAlive, String path,
      Supplier<List<String>> notReadyReasons) {
    if (path.equals("/health")) {
      h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, bytes("{\"status\":\"serving\"}"), null);
      return;
    }
    List<String> reasons = notReadyReasons.get();
    JsonObject body = new JsonObject();
    body.addProperty("status", reasons.isEmpty() ? "ready" : "not ready");
    JsonArray why = new JsonArray();
    reasons.forEach(why::add);
    body.add("reasons", why);
    h.send(ctx, keepAlive, reasons.isEmpty() ? 200 : 503, HttpRequestHandler.JSON,
        bytes(body.toString()), null);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
