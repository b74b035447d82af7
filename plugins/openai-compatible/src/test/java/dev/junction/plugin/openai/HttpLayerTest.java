package dev.junction.plugin.openai;

import dev.junction.plugin.testkit.CollectingSubscriber;
import dev.junction.plugin.testkit.Fixtures;
import dev.junction.plugin.testkit.LoopbackProviderServer;
import dev.junction.plugin.testkit.ScriptedResponse;
import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.Secret;
import dev.junction.spi.StreamEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpLayerTest {
    private static final String KEY = "sk-review-0123456789abcdef";

    private static ProviderClient client(URI base) {
        return new OpenAiCompatiblePlugin().create(new ProviderConfig("openai", OpenAiCompatiblePlugin.ID,
                base.resolve("/v1"), new Secret(KEY), Map.of(), null, Map.of()));
    }

    private static ProviderException failure(CompletableFuture<ChatResponse> f, long seconds) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return assertInstanceOf(ProviderException.class, e.getCause());
        }
    }

    /** A stream that has delivered its Finish but whose body never ends must not keep its connection forever. */
    @Test
    void finishedStreamWhoseBodyStallsReleasesTheConnection() throws Exception {
        try (LoopbackProviderServer server = LoopbackProviderServer.start();
             ProviderClient client = client(server.baseUri())) {
            List<String> events = new Fixtures(getClass(), "/fixtures/openai").events("stream.sse");
            ScriptedResponse stalled = server.enqueue(ScriptedResponse.sse(events).stallAfter(events.size()));
            CollectingSubscriber s = new CollectingSubscriber(64, -1);
            client.stream(ChatRequest.ofUser("Hello!"), new CallOptions("m", Duration.ofSeconds(1), null)).subscribe(s);
            s.awaitDone(Duration.ofSeconds(10));
            assertInstanceOf(StreamEvent.Finish.class, s.last());
            assertTrue(stalled.awaitClientClosed(Duration.ofSeconds(6)),
                    "6 s after a 1 s-deadline stream finished, its connection is still open and being read");
        }
    }

    /** A non-stream error answer whose body is larger than any error message must not be buffered whole. */
    @Test
    void hugeErrorBodyIsNotBufferedWhole() throws Exception {
        byte[] filler = ("{\"error\":{\"message\":\"" + "x".repeat(1 << 20)).getBytes(StandardCharsets.UTF_8);
        try (RawServer server = new RawServer((s, out, srv) -> {
            srv.write(out, "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 8; i++) { // 8 MB of a 1 GB body, then silence
                srv.write(out, filler);
            }
            srv.waitForClose(s, 20_000);
        }); ProviderClient client = client(server.baseUri())) {
            ProviderException e = failure(client.complete(ChatRequest.ofUser("Hello!"),
                    new CallOptions("m", Duration.ofSeconds(3), null)), 15);
            assertEquals(500, e.httpStatus(), "the 500 is reported, not a timeout after buffering the body: " + e);
            assertEquals(ErrorKind.SERVER_ERROR, e.kind());
        }
    }

    /** A stream answered 429 whose error body trickles forever must still end within its deadline. */
    @Test
    void streamErrorBodyThatTricklesEndsWithinTheDeadline() throws Exception {
        try (RawServer server = new RawServer((s, out, srv) -> {
            srv.write(out, "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 3\r\ntransfer-encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end) {
                srv.chunk(out, " ".getBytes(StandardCharsets.US_ASCII));
                if (srv.waitForClose(s, 200)) {
                    return;
                }
            }
        }); ProviderClient client = client(server.baseUri())) {
            CollectingSubscriber s = new CollectingSubscriber(64, -1);
            long t0 = System.nanoTime();
            client.stream(ChatRequest.ofUser("Hello!"), new CallOptions("m", Duration.ofSeconds(1), null)).subscribe(s);
            s.awaitDone(Duration.ofSeconds(8)); // it never ended while bytes trickled
            assertInstanceOf(StreamEvent.Error.class, s.last());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        }
    }

    /** A stream answered 429 with an error body over the kept cap, then silence: the 429 is what is reported. */
    @Test
    void streamErrorBodyOverTheCapReportsTheStatus() throws Exception {
        byte[] filler = "x".repeat(256 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (RawServer server = new RawServer((s, out, srv) -> {
            srv.write(out, "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 3\r\ntransfer-encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            srv.chunk(out, filler); // 256 KiB, four times what SseStreamPublisher keeps, then silence
            srv.waitForClose(s, 20_000);
        }); ProviderClient client = client(server.baseUri())) {
            CollectingSubscriber s = new CollectingSubscriber(64, -1);
            client.stream(ChatRequest.ofUser("Hello!"), new CallOptions("m", Duration.ofSeconds(2), null)).subscribe(s);
            s.awaitDone(Duration.ofSeconds(10));
            ProviderException e = assertInstanceOf(StreamEvent.Error.class, s.last()).error();
            assertEquals(ErrorKind.RATE_LIMITED, e.kind(), "got " + e);
            assertEquals(429, e.httpStatus());
        }
    }

    /** Rule 1.7 / 3.6: after onComplete no signal may follow, even if the subscriber calls request(0). */
    @Test
    void requestZeroAfterCompletionSignalsNothing() throws Exception {
        try (LoopbackProviderServer server = LoopbackProviderServer.start();
             ProviderClient client = client(server.baseUri())) {
            List<String> events = new Fixtures(getClass(), "/fixtures/openai").events("stream.sse");
            server.enqueue(ScriptedResponse.sse(events));
            List<String> signals = new CopyOnWriteArrayList<>();
            CountDownLatch completed = new CountDownLatch(1);
            Flow.Subscription[] sub = new Flow.Subscription[1];
            client.stream(ChatRequest.ofUser("Hello!"), new CallOptions("m", Duration.ofSeconds(5), null))
                    .subscribe(new Flow.Subscriber<>() {
                        public void onSubscribe(Flow.Subscription s) { sub[0] = s; s.request(Long.MAX_VALUE); }
                        public void onNext(StreamEvent item) { }
                        public void onError(Throwable t) { signals.add("onError " + t); }
                        public void onComplete() { signals.add("onComplete"); completed.countDown(); }
                    });
            assertTrue(completed.await(10, TimeUnit.SECONDS));
            sub[0].request(0);
            sub[0].request(-1);
            assertEquals(List.of("onComplete"), signals);
        }
    }

    /** Headers, then a stalled body: complete() ends within its deadline and closes the connection. */
    @Test
    void completeWithStalledBodyEndsWithinTheDeadlineAndClosesTheConnection() throws Exception {
        try (RawServer server = new RawServer((s, out, srv) -> {
            srv.write(out, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\":"
                    .getBytes(StandardCharsets.ISO_8859_1));
            srv.waitForClose(s, 20_000);
        }); ProviderClient client = client(server.baseUri())) {
            long t0 = System.nanoTime();
            ProviderException e = failure(client.complete(ChatRequest.ofUser("Hello!"),
                    new CallOptions("m", Duration.ofSeconds(1), null)), 10);
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4));
            assertTrue(server.clientClosed.await(5, TimeUnit.SECONDS), "the connection is closed");
        }
    }

    /** Cancelling complete() while the body is being read closes the connection. */
    @Test
    void cancellingCompleteMidBodyClosesTheConnection() throws Exception {
        CountDownLatch headersSent = new CountDownLatch(1);
        try (RawServer server = new RawServer((s, out, srv) -> {
            srv.write(out, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\":"
                    .getBytes(StandardCharsets.ISO_8859_1));
            headersSent.countDown();
            srv.waitForClose(s, 20_000);
        }); ProviderClient client = client(server.baseUri())) {
            CompletableFuture<ChatResponse> f = client.complete(ChatRequest.ofUser("Hello!"),
                    new CallOptions("m", Duration.ofSeconds(30), null));
            assertTrue(headersSent.await(10, TimeUnit.SECONDS));
            Thread.sleep(300);
            f.cancel(true);
            assertTrue(server.clientClosed.await(5, TimeUnit.SECONDS), "the connection is closed");
        }
    }

    /** Rule 1.9: subscribe must not throw; a publisher made before close and subscribed after reports an Error event. */
    @Test
    void subscribingAfterCloseDoesNotThrow() throws Exception {
        try (LoopbackProviderServer server = LoopbackProviderServer.start()) {
            ProviderClient client = client(server.baseUri());
            Flow.Publisher<StreamEvent> p = client.stream(ChatRequest.ofUser("Hello!"), new CallOptions("m", Duration.ofSeconds(5), null));
            client.close();
            CollectingSubscriber s = new CollectingSubscriber(64, -1);
            p.subscribe(s); // threw RejectedExecutionException from the deadline timer
            s.awaitDone(Duration.ofSeconds(10));
            assertInstanceOf(StreamEvent.Error.class, s.last());
        }
    }

    /** A 200 JSON answer whose one string goes on for 96 MiB, then silence until the client closes. */
    private static RawServer.Script endlessJsonAnswer() {
        byte[] filler = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        return (s, out, srv) -> {
        srv.write(out, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        srv.chunk(out, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 96; i++) { // 96 MiB of one string, then silence
            srv.chunk(out, filler);
        }
        srv.waitForClose(s, 20_000);
    };
    }

    /** A 200 whose body never ends must fail as a provider error, not be buffered until memory or the deadline runs out. */
    @Test
    void successBodyThatNeverEndsIsRefusedInsteadOfBuffered() throws Exception {
        try (RawServer server = new RawServer(endlessJsonAnswer()); ProviderClient client = client(server.baseUri())) {
            ProviderException e = failure(client.complete(ChatRequest.ofUser("Hello!"),
                    new CallOptions("m", Duration.ofSeconds(15), null)), 40);
            assertEquals(ErrorKind.SERVER_ERROR, e.kind(), "a provider error, not a timeout after buffering: " + e);
            assertTrue(e.getMessage().contains("longer than"), e.getMessage());
            assertTrue(server.clientClosed.await(10, TimeUnit.SECONDS), "the connection is closed");
        }
    }

    /** The same for a stream request answered with a JSON body instead of events: bounded, then a provider error. */
    @Test
    void streamAnsweredWithAJsonBodyThatNeverEndsIsRefusedInsteadOfBuffered() throws Exception {
        try (RawServer server = new RawServer(endlessJsonAnswer()); ProviderClient client = client(server.baseUri())) {
            CollectingSubscriber sub = new CollectingSubscriber(16, -1);
            client.stream(ChatRequest.ofUser("Hello!"), new CallOptions("m", Duration.ofSeconds(15), null)).subscribe(sub);
            sub.awaitDone(Duration.ofSeconds(40));
            ProviderException e = assertInstanceOf(StreamEvent.Error.class, sub.last(), "events: " + sub.events()).error();
            assertEquals(ErrorKind.SERVER_ERROR, e.kind(), "a provider error, not a timeout after buffering: " + e);
            assertTrue(e.getMessage().contains("answer is longer than"), e.getMessage());
            assertTrue(server.clientClosed.await(10, TimeUnit.SECONDS), "the connection is closed");
        }
    }
}
