package dev.sundial.server.http;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import dev.sundial.server.security.Principal;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The web UI on the UI port: the static SvelteKit build from the classpath ({@code sundial-ui/},
 * any unknown path answered with its index.html), the settings the UI reads first, the raw
 * history download, and Sundial's own JSON for its extra pages. Without a UI build, every page is
 * one plain page saying how to build it.
 */
final class UiSite {
  static final String CSRF_COOKIE = "_csrf";
  static final String UI_VERSION = "2.38.0"; // the @temporalio/ui the app is built with
  /** Where the Maven build puts the UI's files in the JAR. */
  static final String ROOT = "sundial-ui/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpFrontend.UiOptions options;
  private final WorkflowServiceGrpc.WorkflowServiceFutureStub history;
  private final TemporalJson json;
  private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();
  private final boolean built;
  private final String root;
  private final boolean authEnabled;
  private final byte[] settingsJson; // with write actions as configured
  private final byte[] readOnlySettingsJson; // for a signed-in user who may change nothing

  UiSite(HttpFrontend.UiOptions options, Channel channel, TemporalJson json, String root,
      boolean authEnabled) {
    this.root = root;
    this.options = options;
    this.history = WorkflowServiceGrpc.newFutureStub(channel);
    this.json = json;
    this.authEnabled = authEnabled;
    this.built = resource("index.html").isPresent();
    this.settingsJson = bytes(settings(options.disableWriteActions()));
    this.readOnlySettingsJson = bytes(settings(true));
  }

  boolean built() {
    return built;
  }

  boolean handles(String path) {
    return path.equals("/health") || path.equals("/ready")
        || path.equals("/api/v1/settings") || path.equals("/api/v1/me")
        || (path.startsWith("/api/v1/namespaces/") && path.endsWith("/history.json"))
        || path.startsWith("/sundial/api/");
  }

  /**
   * Serves one of the UI's own endpoints; {@code callHeaders} go with the gRPC calls it makes
   * (they carry the caller's principal), {@code principal} is the caller (null: authentication
   * is off).
   */
  void serve(HttpRequestHandler h, ChannelHandlerContext ctx, FullHttpRequest req, String path,
      List<String> segments, Metadata callHeaders, Principal principal) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    boolean open = path.equals("/api/v1/settings") || path.equals("/api/v1/me")
        || path.equals("/health") || path.equals("/ready");
    if (principal != null && principal.isAnonymous() && !open) {
      h.sendStatus(ctx, req, Status.Code.UNAUTHENTICATED, "no credentials: sign in first");
      return;
    }
    if (HealthEndpoints.handles(path)) {
      HealthEndpoints.serve(h, ctx, keepAlive, path, options.notReadyReasons());
    } else if (path.equals("/api/v1/settings")) {
      // A user who may change nothing sees no buttons that would only be refused.
      boolean readOnly = principal != null && !principal.isAnonymous()
          && !UiLogin.canWriteSomewhere(principal);
      h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON,
          readOnly ? readOnlySettingsJson : settingsJson, csrfCookie(req));
    } else if (path.equals("/api/v1/me")) {
      String me = authEnabled ? UiLogin.me(principal).toString() : "{\"authEnabled\":false}";
      h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, bytes(me), csrfCookie(req));
    } else if (path.startsWith("/sundial/api/")) {
      String body = options.sundialApi().apply(path.substring("/sundial/api".length()));
      if (body == null) {
        h.sendStatus(ctx, req, Status.Code.NOT_FOUND, "Not Found");
      } else {
        h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, bytes(body), null);
      }
    } else {
      // /api/v1/namespaces/{ns}/workflows/{id}/run/{run}/history.json
      if (segments.size() != 9 || !segments.get(4).equals("workflows")
          || !segments.get(6).equals("run")) {
        h.sendStatus(ctx, req, Status.Code.NOT_FOUND, "Not Found");
        return;
      }
      rawHistory(segments.get(3), segments.get(5), segments.get(7), callHeaders).whenComplete((body, e) -> {
        if (e != null) {
          var r = ApiInvoker.error(json, e instanceof CompletionException
              ? e.getCause() : e, false);
          h.send(ctx, keepAlive, r.httpStatus(), HttpRequestHandler.JSON, bytes(r.body()), null);
        } else {
          String name = segments.get(5).replaceAll("[^A-Za-z0-9._-]", "_") + "_history.json";
          h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, bytes(body),
              Map.of("Content-Disposition", "attachment; filename=\"" + name + "\""));
        }
      });
    }
  }

  /** The whole history as {"events":[...]} in long-form proto JSON (what replayers read). */
  private CompletableFuture<String> rawHistory(
      String namespace, String workflowId, String runId, Metadata callHeaders) {
    var stub = history.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(callHeaders));
    StringBuilder out = new StringBuilder("{\"events\":[");
    CompletableFuture<String> done = new CompletableFuture<>();
    fetchPage(stub, namespace, workflowId, runId, ByteString.EMPTY, out, new boolean[] {true}, done);
    return done;
  }

  private void fetchPage(WorkflowServiceGrpc.WorkflowServiceFutureStub history,
      String ns, String id, String run, ByteString token, StringBuilder out,
      boolean[] first, CompletableFuture<String> done) {
    var request = GetWorkflowExecutionHistoryRequest.newBuilder()
        .setNamespace(ns)
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id).setRunId(run))
        .setNextPageToken(token)
        .build();
    var f = history.getWorkflowExecutionHistory(request);
    f.addListener(() -> {
      try {
        var page = f.get();
        for (HistoryEvent e : page.getHistory().getEventsList()) {
          if (!first[0]) out.append(',');
          first[0] = false;
          out.append(json.print(e, false));
        }
        if (page.getNextPageToken().isEmpty()) {
          done.complete(out.append("]}").toString());
        } else {
          fetchPage(history, ns, id, run, page.getNextPageToken(), out, first, done);
        }
      } catch (ExecutionException e) {
        done.completeExceptionally(e.getCause());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    }, Runnable::run);
  }

  /** What the official UI reads from /api/v1/settings (the ui-server's settings shape). */
  private String settings(boolean disableWriteActions) {
    JsonObject auth = new JsonObject();
    auth.addProperty("Enabled", false);
    auth.add("Options", null);
    JsonObject codec = new JsonObject();
    codec.addProperty("Endpoint", "");
    codec.addProperty("PassAccessToken", false);
    codec.addProperty("IncludeCredentials", false);
    JsonObject s = new JsonObject();
    s.add("Auth", auth);
    s.addProperty("BannerText", "");
    s.addProperty("DefaultNamespace", options.defaultNamespace());
    s.addProperty("ShowTemporalSystemNamespace", false);
    s.addProperty("FeedbackURL", "");
    s.addProperty("NotifyOnNewVersion", false);
    s.add("Codec", codec);
    s.addProperty("Version", UI_VERSION);
    s.addProperty("DisableWriteActions", disableWriteActions);
    for (String action : List.of("WorkflowTerminateDisabled", "WorkflowCancelDisabled",
        "WorkflowSignalDisabled", "WorkflowUpdateDisabled", "WorkflowResetDisabled",
        "BatchActionsDisabled", "StartWorkflowDisabled", "ActivityCommandsDisabled")) {
      s.addProperty(action, disableWriteActions);
    }
    s.addProperty("HideWorkflowQueryErrors", false);
    return s.toString();
  }

  // ------------------------------------------------------------------ static files

  void serveStatic(HttpRequestHandler h, ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!built) {
      h.send(ctx, keepAlive, 200, "text/html; charset=utf-8", bytes(NOT_BUILT), null);
      return;
    }
    if (path.equals("/render")) {
      MarkdownPage.Page page = MarkdownPage.render(req.uri());
      h.send(ctx, keepAlive, 200, "text/html; charset=utf-8", page.html(), page.headers());
      return;
    }
    String name = path.startsWith("/") ? path.substring(1) : path;
    Optional<byte[]> file = name.isEmpty() || name.contains("..") ? Optional.empty() : resource(name);
    if (file.isEmpty() && !name.isEmpty() && !name.endsWith("/") && !name.contains(".")) {
      file = resource(name + ".html");
    }
    if (file.isPresent()) {
      Map<String, String> headers = new HashMap<>();
      if (name.startsWith("_app/immutable/")) {
        headers.put("Cache-Control", "public, max-age=31536000, immutable");
      }
      String type = contentType(name);
      if (type.startsWith("text/html")) headers.putAll(csrfCookie(req));
      h.send(ctx, keepAlive, 200, type, file.get(), headers);
      return;
    }
    if (name.startsWith("_app/") || name.contains(".")) {
      h.send(ctx, keepAlive, 404, "text/plain; charset=utf-8", bytes("not found"), null);
      return;
    }
    // A client-side route: the app's fallback page renders it.
    h.send(ctx, keepAlive, 200, "text/html; charset=utf-8", resource("index.html").get(),
        csrfCookie(req));
  }

  private Optional<byte[]> resource(String name) {
    return files.computeIfAbsent(name, n -> {
      try (InputStream in = UiSite.class.getClassLoader().getResourceAsStream(root + n)) {
        return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  /** Sets the CSRF cookie when the browser has none yet. */
  private static Map<String, String> csrfCookie(FullHttpRequest req) {
    if (cookie(req, CSRF_COOKIE) != null) return Map.of();
    byte[] token = new byte[24];
    RANDOM.nextBytes(token);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    return Map.of(HttpHeaderNames.SET_COOKIE.toString(),
        CSRF_COOKIE + "=" + value + "; Path=/; SameSite=Strict");
  }

  static String cookie(FullHttpRequest req, String name) {
    String header = req.headers().get(HttpHeaderNames.COOKIE);
    if (header == null) return null;
    for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
      if (c.name().equals(name)) return c.value();
    }
    return null;
  }

  private static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js", "mjs" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "json", "map" -> "application/json";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "ico" -> "image/x-icon";
      case "woff2" -> "font/woff2";
      case "woff" -> "font/woff";
      case "ttf" -> "font/ttf";
      case "txt" -> "text/plain; charset=utf-8";
      default -> "application/octet-stream";
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String NOT_BUILT =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sundial</title></head>"
          + "<body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\">"
          + "<h1>Sundial is running; its web UI was not built</h1>"
          + "<p>This server JAR was built without the web UI because Node.js (20 or newer) and npm"
          + " were not found at build time. Install them and rebuild (<code>mvn -B install"
          + " -DskipTests</code>, or just <code>./sundial server start</code>).</p>"
          + "<p>The HTTP API works without the UI: try <code>curl"
          + " /api/v1/namespaces/default/workflows</code> on this port.</p></body></html>";
}
