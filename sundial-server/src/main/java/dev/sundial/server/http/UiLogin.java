package dev.sundial.server.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.server.security.InvalidCredentialsException;
import dev.sundial.server.security.Principal;
import dev.sundial.server.security.Role;
import dev.sundial.server.security.Sessions;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Signing in to the web UI (only with authentication on): {@code POST /auth/login} with a user
 * name and password or an API key starts a session held in a secure, HttpOnly, SameSite=Strict
 * cookie; {@code POST /auth/logout} ends it; {@code GET /api/v1/me} says who is signed in. Password
 * checks are slow on purpose, so they run off the event loop, a few at a time.
 */
final class UiLogin {
  static final String SESSION_COOKIE = "sundial_session";
  private static final int MAX_BODY = 16 * 1024;

  private final HttpFrontend.Auth auth;
  private final boolean secure;
  private final ExecutorService checks = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(64), r -> {
        Thread t = new Thread(r, "sundial-ui-login");
        t.setDaemon(true);
        return t;
      });

  UiLogin(HttpFrontend.Auth auth, boolean secure) {
    this.auth = auth;
    this.secure = secure;
  }

  static boolean handles(String path) {
    return path.equals("/auth/login") || path.equals("/auth/logout");
  }

  /** The principal of the request's session cookie, or null when it has none or it ended. */
  Principal sessionPrincipal(FullHttpRequest req) {
    return auth.sessions().lookup(UiSite.cookie(req, SESSION_COOKIE));
  }

  void serve(HttpRequestHandler h, ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    if (!req.method().equals(HttpMethod.POST)) {
      h.sendStatus(ctx, req, Status.Code.UNIMPLEMENTED, "Method Not Allowed");
      return;
    }
    if (!HttpRequestHandler.csrfTokenMatches(req)) {
      h.sendStatus(ctx, req, Status.Code.PERMISSION_DENIED,
          "missing or wrong CSRF token (X-CSRF-TOKEN must equal the _csrf cookie)");
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (path.equals("/auth/logout")) {
      auth.sessions().end(UiSite.cookie(req, SESSION_COOKIE));
      h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, bytes("{}"),
          Map.of(HttpHeaderNames.SET_COOKIE.toString(), cookie("", 0)));
      return;
    }
    if (req.content().readableBytes() > MAX_BODY) {
      h.sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, "the sign-in request is too large");
      return;
    }
    JsonObject body;
    try {
      body = JsonParser.parseString(req.content().toString(StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      h.sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, "the body must be a JSON object");
      return;
    }
    String user = string(body, "username");
    String password = string(body, "password");
    String apiKey = string(body, "apiKey");
    if (apiKey == null && (user == null || password == null)) {
      h.sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT,
          "give username and password, or apiKey");
      return;
    }
    try {
      checks.execute(() -> {
        try {
          Principal p;
          Sessions.Recheck recheck;
          if (apiKey != null) {
            String header = "Bearer " + apiKey;
            p = auth.authenticator().authenticate(header, null);
            recheck = () -> auth.authenticator().authenticate(header, null);
          } else {
            if (auth.users() == null) throw new InvalidCredentialsException("wrong user name or password");
            p = auth.users().authenticate(user, password.toCharArray());
            recheck = () -> auth.users().current(user);
          }
          if (p.isAnonymous()) throw new InvalidCredentialsException("give an API key");
          String session = auth.sessions().create(p, recheck);
          h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, bytes(me(p).toString()),
              Map.of(HttpHeaderNames.SET_COOKIE.toString(), cookie(session, -1)));
        } catch (InvalidCredentialsException e) {
          h.sendStatus(ctx, keepAlive, Status.Code.UNAUTHENTICATED, e.getMessage());
        } catch (RuntimeException e) {
          h.sendStatus(ctx, keepAlive, Status.Code.INTERNAL, "sign-in failed: " + e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      h.sendStatus(ctx, req, Status.Code.RESOURCE_EXHAUSTED, "too many sign-ins at once; retry");
    }
  }

  /** What /api/v1/me answers: whether sign-in is needed, and who is signed in. */
  static JsonObject me(Principal p) {
    JsonObject o = new JsonObject();
    o.addProperty("authEnabled", true);
    o.addProperty("signedIn", p != null && !p.isAnonymous());
    if (p != null && !p.isAnonymous()) {
      o.addProperty("name", p.subject());
      o.addProperty("authType", p.authType());
      JsonArray roles = new JsonArray();
      if (p.systemRole() != null) roles.add("system:" + name(p.systemRole()));
      p.namespaceRoles().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> roles.add(e.getKey() + ":" + name(e.getValue())));
      o.add("roles", roles);
      o.addProperty("canWrite", canWriteSomewhere(p));
    }
    return o;
  }

  /** Whether the principal may change anything in some namespace (the UI hides actions if not). */
  static boolean canWriteSomewhere(Principal p) {
    if (p.systemRole() != null && p.systemRole().compareTo(Role.WRITE) >= 0) return true;
    return p.namespaceRoles().values().stream().anyMatch(r -> r.compareTo(Role.WRITE) >= 0);
  }

  private String cookie(String value, int maxAge) {
    return SESSION_COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "") + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
  }

  private static String name(Role r) {
    return r.name().toLowerCase(Locale.ROOT);
  }

  private static String string(JsonObject o, String field) {
    var e = o.get(field);
    return e == null || !e.isJsonPrimitive() || e.getAsString().isEmpty() ? null : e.getAsString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  void close() {
    checks.shutdownNow();
  }
}
