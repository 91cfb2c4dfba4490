package dev.sundial.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The UI port of a JAR built without the UI, and of one with it, through the real handler. */
class UiSiteTest {

  private static FullHttpResponse get(String root, String path) {
    var options = new HttpFrontend.UiOptions("default", false, p -> null, List::of);
    var json = new TemporalJson();
    var unused = InProcessChannelBuilder.forName("unused").build();
    var listener = new HttpFrontend.Listener(
        new HttpFrontend.ListenerOptions("127.0.0.1", 0, true, Set.of()),
        new HttpRouter(List.of(), t -> true), new ApiInvoker(unused, json),
        new UiSite(options, unused, json, root, false), null, null, null, null);
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestHandler(listener));
    var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    req.headers().set("Host", "localhost:8233");
    ch.writeInbound(req);
    FullHttpResponse response = ch.readOutbound();
    unused.shutdownNow();
    return response;
  }

  @Test
  void withoutTheUiBuildEveryPageSaysHowToBuildIt() {
    FullHttpResponse r = get("no-ui-here/", "/namespaces/default/workflows");
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get("content-type")).startsWith("text/html");
    assertThat(r.content().toString(StandardCharsets.UTF_8))
        .contains("web UI was not built").contains("Node.js");
  }

  @Test
  void withTheBuildClientRoutesGetIndexHtmlAndTheCsrfCookie() {
    FullHttpResponse r = get(UiSite.ROOT, "/namespaces/default/workflows/x/y/history");
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("<html").contains("_app/");
    assertThat(r.headers().get("set-cookie")).startsWith("_csrf=").contains("SameSite=Strict");
    assertThat(get(UiSite.ROOT, "/_app/immutable/nope.js").status().code()).isEqualTo(404);
    FullHttpResponse settings = get(UiSite.ROOT, "/api/v1/settings");
    assertThat(settings.content().toString(StandardCharsets.UTF_8)).contains("\"DefaultNamespace\":\"default\"");
  }
}
