package dev.junction.plugin.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the loopback server answers to one request: a status and body, or a server-sent-event stream, optionally
 * delayed, cut, stalled or repeated. Each instance also records whether the client closed the connection while it
 * was being served.
 *
 * <p>Built on one thread, then read by the server's; the latch is thread-safe.
 */
public final class ScriptedResponse {
    /** The longest any scripted wait (a delay, a stall, a repeated stream) lasts, so tests always end. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(20);

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final byte[] body;
    final List<byte[]> events;
    Duration delayBeforeHeaders = Duration.ZERO;
    int cutAfterEvents = -1;
    int stallAfterEvents = -1;
    byte[] repeatedEvent;
    Duration repeatInterval = Duration.ofMillis(5);
    private final CountDownLatch clientClosed = new CountDownLatch(1);
    private final CountDownLatch served = new CountDownLatch(1);

    private ScriptedResponse(int status, String contentType, byte[] body, List<byte[]> events) {
        this.status = status;
        this.body = body;
        this.events = events;
        headers.put("content-type", contentType);
    }

    /** A JSON body with the given status. */
    public static ScriptedResponse json(int status, String json) {
        return new ScriptedResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    /** A body of any type. */
    public static ScriptedResponse body(int status, String contentType, byte[] body) {
        return new ScriptedResponse(status, contentType, body, null);
    }

    /** A {@code text/event-stream} answer sending each event (complete with its blank line) as one chunk. */
    public static ScriptedResponse sse(List<String> events) {
        List<byte[]> bytes = new ArrayList<>(events.size());
        for (String e : events) {
            bytes.add(e.getBytes(StandardCharsets.UTF_8));
        }
        return new ScriptedResponse(200, "text/event-stream", null, bytes);
    }

    /** Adds a response header. */
    public ScriptedResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Waits this long before sending the status line (bounded by {@link #MAX_WAIT}). */
    public ScriptedResponse delayHeaders(Duration delay) {
        this.delayBeforeHeaders = delay;
        return this;
    }

    /** Sends this many events, then closes the socket without ending the chunked body. */
    public ScriptedResponse cutAfter(int events) {
        this.cutAfterEvents = events;
        return this;
    }

    /** Sends this many events, then sends nothing until the client closes (or {@link #MAX_WAIT}). */
    public ScriptedResponse stallAfter(int events) {
        this.stallAfterEvents = events;
        return this;
    }

    /** After the events, sends {@code event} again every {@code interval} until the client closes (bounded). */
    public ScriptedResponse thenRepeat(String event, Duration interval) {
        this.repeatedEvent = event.getBytes(StandardCharsets.UTF_8);
        this.repeatInterval = interval;
        return this;
    }

    boolean isStream() {
        return events != null;
    }

    void markClientClosed() {
        clientClosed.countDown();
    }

    void markServed() {
        served.countDown();
    }

    /** Waits until the server notices the client closed the connection while serving this response. */
    public boolean awaitClientClosed(Duration max) throws InterruptedException {
        return clientClosed.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the server has noticed the client close the connection. */
    public boolean clientClosed() {
        return clientClosed.getCount() == 0;
    }

    /** Waits until the server has finished with this response. */
    public boolean awaitServed(Duration max) throws InterruptedException {
        return served.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }
}
