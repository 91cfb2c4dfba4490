package dev.sundial.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MarkdownPageTest {
  private static String render(String markdown, String theme) {
    var page = MarkdownPage.render("/render?content="
        + URLEncoder.encode(markdown, StandardCharsets.UTF_8) + "&theme=" + theme);
    return new String(page.html(), StandardCharsets.UTF_8);
  }

  @Test
  void rendersMarkdownWithRawHtmlEscapedAndUnsafeLinksDropped() {
    String html = render(
        "Ships **today** by [courier](https://example.com)\n\n<script>alert(1)</script>\n\n"
            + "[click](javascript:alert(2)) <img src=x onerror=alert(3)>", "light");
    assertThat(html)
        .contains("Ships <strong>today</strong> by <a rel=\"nofollow\" href=\"https://example.com\">courier</a>");
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html).doesNotContain("<script").doesNotContain("javascript:").doesNotContain("<img src=x");
    assertThat(html).contains("data-theme=\"light\"");
  }

  @Test
  void thePageRunsNoScriptAndOnlyItsOwnStyle() {
    var page = MarkdownPage.render("/render?content=x&theme=dark");
    String policy = page.headers().get("Content-Security-Policy");
    assertThat(policy).startsWith("default-src 'none'; style-src 'nonce-").contains("sandbox ")
        .doesNotContain("allow-scripts").doesNotContain("script-src");
    String nonce = policy.replaceAll(".*'nonce-([0-9a-f]+)'.*", "$1");
    assertThat(new String(page.html(), StandardCharsets.UTF_8))
        .contains("<style nonce=\"" + nonce + "\">").contains("data-theme=\"dark\"");
    // Anything but dark is the light theme; no value reaches the page unescaped.
    assertThat(render("x", "\"><script>")).contains("data-theme=\"light\"");
  }
}
