package dev.sundial.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The UI's {@code /render} page: the web UI shows a workflow's summary and details (user
 * metadata, Markdown) in a sandboxed frame that loads this page with the Markdown in its query.
 * The Markdown is rendered with raw HTML escaped and unsafe link targets dropped, and the page
 * may run no script at all (its Content-Security-Policy sandboxes it).
 */
final class MarkdownPage {
  private static final Parser PARSER = Parser.builder().build();
  private static final HtmlRenderer RENDERER =
      HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Longest Markdown rendered (Temporal keeps details under 20 KB); the rest is cut. */
  static final int MAX_CONTENT_CHARS = 64 * 1024;

  private MarkdownPage() {}

  /** The page and its headers for the query of a {@code /render} request. */
  record Page(byte[] html, Map<String, String> headers) {}

  static Page render(String uri) {
    Map<String, List<String>> q = new QueryStringDecoder(uri).parameters();
    String content = first(q, "content");
    if (content.length() > MAX_CONTENT_CHARS) {
      content = content.substring(0, MAX_CONTENT_CHARS);
    }
    String theme = first(q, "theme").equals("dark") ? "dark" : "light";
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    String nonce = HexFormat.of().formatHex(n);
    String html =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Rendered Markdown</title>"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<base target=\"_blank\"><style nonce=\"" + nonce + "\">" + css(theme) + "</style>"
            + "</head><body data-theme=\"" + theme + "\"><main>"
            + RENDERER.render(PARSER.parse(content))
            + "</main></body></html>";
    String policy =
        "default-src 'none'; style-src 'nonce-" + nonce + "'; img-src https: data:; base-uri 'self';"
            + " form-action 'none'; frame-ancestors 'self';"
            + " sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox";
    return new Page(
        html.getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Security-Policy", policy, "X-Content-Type-Options", "nosniff"));
  }

  private static String first(Map<String, List<String>> q, String name) {
    List<String> v = q.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private static String css(String theme) {
    boolean dark = theme.equals("dark");
    return "body{margin:0;font:14px/1.5 system-ui,sans-serif;color:" + (dark ? "#e5e7eb" : "#141414")
        + ";background:transparent}main{padding:2px}p,ul,ol,pre,blockquote{margin:0 0 .5em}"
        + "a{color:" + (dark ? "#93c5fd" : "#1d4ed8") + "}code,pre{font-family:ui-monospace,monospace;"
        + "font-size:13px}pre{padding:6px;overflow:auto;background:" + (dark ? "#1f2937" : "#f3f4f6")
        + "}img{max-width:100%}";
  }
}
