package dev.junction.engine.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real HTTP server on loopback that honours If-None-Match. */
class HttpCatalogSourceTest {
    private LoopbackHttpServer server;
    private volatile String body = TestCatalogs.twoModels(3.0);
    private volatile String etag = "\"v1\"";
    private volatile int status = 200;
    private final List<String> ifNoneMatch = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:00:00Z"));
    private HttpCatalogSource source;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackHttpServer(this::serve);
        source = HttpCatalogSource.builder(URI.create("http://127.0.0.1:" + server.port()
                        + "/catalog.json"))
                .format(CatalogFormat.JUNCTION).pollInterval(Duration.ofMinutes(1)).clock(clock)
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private LoopbackHttpServer.Response serve(LoopbackHttpServer.Request request) {
        String sent = request.headers().get("if-none-match");
        ifNoneMatch.add(String.valueOf(sent));
        if (status != 200) {
            return new LoopbackHttpServer.Response(status, Map.of(), new byte[0]);
        }
        if (etag.equals(sent)) {
            return new LoopbackHttpServer.Response(304, Map.of("ETag", etag), new byte[0]);
        }
        return new LoopbackHttpServer.Response(200, Map.of("ETag", etag, "Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pollsOncePerIntervalWithIfNoneMatchAndPicksUpANewVersion() throws IOException {
        assertEquals(3.0, source.load().getFirst().prices().inputPerMillion());
        assertEquals(List.of("null"), ifNoneMatch);

        assertEquals(Optional.empty(), source.reloadIfChanged(), "before the interval: no request");
        assertEquals(1, source.requests());

        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), source.reloadIfChanged(), "304 Not Modified");
        assertEquals(List.of("null", "\"v1\""), ifNoneMatch);

        body = TestCatalogs.twoModels(0.5);
        etag = "\"v2\"";
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Optional.empty(), source.reloadIfChanged(), "still within the interval");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(0.5, source.reloadIfChanged().orElseThrow().getFirst().prices().inputPerMillion());
        assertEquals(List.of("null", "\"v1\"", "\"v1\""), ifNoneMatch);

        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), source.reloadIfChanged());
        assertEquals("\"v2\"", ifNoneMatch.getLast());
    }

    @Test
    void rejectsABrokenBodyAndAServerErrorAndKeepsPolling() throws IOException {
        source.load();
        body = "{\"format\": \"junction-catalog\", \"models\": [ {\"provider\": \"alpha\"";
        etag = "\"broken\"";
        clock.advance(Duration.ofMinutes(1));
        InvalidCatalogException broken = assertThrows(InvalidCatalogException.class, source::reloadIfChanged);
        assertTrue(broken.getMessage().contains("malformed JSON"), broken.getMessage());

        status = 503;
        clock.advance(Duration.ofMinutes(1));
        IOException unavailable = assertThrows(IOException.class, source::reloadIfChanged);
        assertTrue(unavailable.getMessage().endsWith("HTTP 503 from " + source.uri()), unavailable.getMessage());
        assertEquals(Optional.empty(), source.reloadIfChanged(), "a failing server is not asked again at once");

        status = 200;
        body = TestCatalogs.twoModels(0.75);
        etag = "\"v3\"";
        clock.advance(Duration.ofMinutes(1));
        assertEquals(0.75, source.reloadIfChanged().orElseThrow().getFirst().prices().inputPerMillion());
    }

    @Test
    void anUnchangedBodyWithoutEtagIsNotAChange() throws IOException {
        etag = "\"same\"";
        source.load();
        etag = "\"other-etag-same-bytes\"";
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), source.reloadIfChanged());
    }

    @Test
    void anUnreachableServerIsRejectedWithTheReason() throws IOException {
        source.load();
        server.close();
        clock.advance(Duration.ofMinutes(1));
        IOException e = assertThrows(IOException.class, source::reloadIfChanged);
        assertTrue(e.getMessage().contains("cannot fetch"), e.getMessage());
    }

    /**
     * A body that never ends (a wrong URL serving a stream, a broken proxy) was buffered whole before its size was
     * checked: the refresher held ever more memory until the server gave up. Now it reads one byte past the limit.
     */
    @Test
    void aBodyThatNeverEndsIsRejectedAtTheLimitNotBufferedWhole() throws Exception {
        byte[] filler = new byte[1 << 20];
        java.util.Arrays.fill(filler, (byte) ' ');
        try (java.net.ServerSocket endless = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (java.net.Socket s = endless.accept()) {
                    java.io.OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (1L << 40)
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    for (int i = 0; i < 80; i++) { // 80 MiB, then silence until the client hangs up
                        out.write(filler);
                    }
                    out.flush();
                    s.getInputStream().read();
                } catch (IOException e) {
                    // the client closed the connection: what it should do
                }
            });
            HttpCatalogSource big = HttpCatalogSource.builder(URI.create("http://127.0.0.1:" + endless.getLocalPort()
                    + "/catalog.json")).clock(clock).requestTimeout(Duration.ofSeconds(10)).build();
            IOException e = assertThrows(IOException.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(60), big::load));
            assertTrue(e.getMessage().contains("more than the " + HttpCatalogSource.MAX_BODY_BYTES + " bytes"),
                    e.getMessage());
        }
    }

    @Test
    void onlyHttpAndHttpsUrlsAreAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpCatalogSource.builder(URI.create("file:///etc/catalog.json")).build());
        assertEquals("a catalog URL must be http or https, was file:///etc/catalog.json", e.getMessage());
    }
}
