package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.junction.engine.JunctionStream;
import dev.junction.engine.RouteDecision;
import dev.junction.spi.FinishReason;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Relays one {@link JunctionStream} to the client as OpenAI {@code chat.completion.chunk} server-sent events.
 *
 * <p>Runs on the request's virtual thread: it requests one event at a time from the engine and writes it before
 * asking for the next, so a slow client slows the upstream read instead of filling memory. Nothing is sent until
 * the first event arrives: a stream that fails before its first token gets a proper HTTP error status. A client
 * that goes away, or that reads nothing for the write timeout while a chunk waits to be sent, cancels the
 * subscription, which closes the upstream connection. The route decision (cost, attempts, cache) rides in a
 * {@code junction} field of the chunk that carries the {@code finish_reason}, which is therefore sent when the stream
 * ends; the empty-{@code choices} usage chunk comes only when {@code stream_options.include_usage} asks for it, as
 * with OpenAI. Not thread-safe; one per request.
 */
final class SseWriter {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final Object COMPLETE = new Object();

    private final ServerResponse res;
    private final JunctionStream stream;
    private final boolean includeUsage;
    private final Clock clock;
    private final Duration eventTimeout;
    private final Counter clientGone;
    private final ScheduledExecutorService watchdogs;
    private final Duration writeTimeout;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;

    private String id = "chatcmpl-stream";
    private String model = "junction/auto";
    private long created;
    private OutputStream out;

    SseWriter(ServerResponse res, JunctionStream stream, boolean includeUsage, Clock clock, Duration eventTimeout,
              Counter clientGone, ScheduledExecutorService watchdogs, Duration writeTimeout) {
        this.res = res;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.clock = clock;
        this.eventTimeout = eventTimeout;
        this.clientGone = clientGone;
        this.watchdogs = watchdogs;
        this.writeTimeout = writeTimeout;
    }

    private record Failed(Throwable error) {
    }

    void run() {
        created = clock.instant().getEpochSecond();
        stream.events().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(StreamEvent item) {
                queue.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                queue.add(new Failed(throwable));
            }

            @Override
            public void onComplete() {
                queue.add(COMPLETE);
            }
        });
        Usage usage = null;
        FinishReason finished = null;
        try {
            while (true) {
                Object next = queue.poll(eventTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    cancel();
                    fail(new ApiError(504, "upstream_error", "stream_stalled", null,
                            "The upstream stream sent nothing for " + eventTimeout.toSeconds() + " s."));
                    return;
                }
                if (next == COMPLETE) {
                    break;
                }
                if (next instanceof Failed f) {
                    fail(GatewayServer.toApiError(f.error()));
                    return;
                }
                StreamEvent event = (StreamEvent) next;
                switch (event) {
                    case StreamEvent.Start s -> {
                        id = OpenAiResponseWriter.completionId(s.id());
                        model = s.provider() + "/" + s.model();
                        open(s);
                        write(chunk(g -> {
                            g.writeObjectFieldStart("delta");
                            g.writeStringField("role", "assistant");
                            g.writeStringField("content", "");
                            g.writeEndObject();
                            g.writeNullField("finish_reason");
                        }));
                    }
                    case StreamEvent.TextDelta t -> write(chunk(g -> {
                        g.writeObjectFieldStart("delta");
                        g.writeStringField("content", t.text());
                        g.writeEndObject();
                        g.writeNullField("finish_reason");
                    }));
                    case StreamEvent.ToolCallDelta t -> write(chunk(g -> {
                        g.writeObjectFieldStart("delta");
                        g.writeArrayFieldStart("tool_calls");
                        g.writeStartObject();
                        g.writeNumberField("index", t.index());
                        if (t.id() != null) {
                            g.writeStringField("id", t.id());
                            g.writeStringField("type", "function");
                        }
                        g.writeObjectFieldStart("function");
                        if (t.name() != null) {
                            g.writeStringField("name", t.name());
                        }
                        g.writeStringField("arguments", t.argumentsDelta());
                        g.writeEndObject();
                        g.writeEndObject();
                        g.writeEndArray();
                        g.writeEndObject();
                        g.writeNullField("finish_reason");
                    }));
                    case StreamEvent.UsageReport u -> usage = u.usage();
                    case StreamEvent.Finish f -> finished = f.reason(); // sent at the end, with the decision
                    case StreamEvent.Error e -> {
                        fail(GatewayServer.toApiError(e.error()));
                        return;
                    }
                }
                subscription.request(1);
            }
            if (finished == null) {
                fail(new ApiError(502, "upstream_error", "stream_incomplete", null,
                        "The upstream stream ended without finishing."));
                return;
            }
            if (out == null) {
                open(null);
            }
            RouteDecision decision = decision();
            FinishReason reason = finished;
            write(chunk(g -> {
                g.writeObjectFieldStart("delta");
                g.writeEndObject();
                g.writeStringField("finish_reason", OpenAiResponseWriter.finishReason(reason));
            }, decision == null ? null : g -> {
                g.writeFieldName("junction");
                OpenAiResponseWriter.decision(g, decision, null);
            }));
            Usage finalUsage = usage;
            if (includeUsage) {
                write(OpenAiResponseWriter.json(g -> {
                    header(g);
                    g.writeArrayFieldStart("choices");
                    g.writeEndArray();
                    OpenAiResponseWriter.usage(g, finalUsage == null ? Usage.ZERO : finalUsage);
                    g.writeEndObject();
                }));
            }
            writeRaw(DONE);
            closeQuietly();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
        } catch (UncheckedIOException e) {
            clientGone.increment();
            cancel();
        }
    }

    private RouteDecision decision() {
        CompletableFuture<RouteDecision> d = stream.decision();
        try {
            return d.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private void open(StreamEvent.Start start) {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        if (start != null) {
            res.header("x-junction-provider", start.provider());
            res.header("x-junction-model", start.model());
        }
        out = res.outputStream();
    }

    private void fail(ApiError error) {
        if (out == null) {
            if (!res.isSent()) {
                error.headers().forEach(res::header);
                GatewayServer.json(res, error.status(), OpenAiResponseWriter.error(error));
            }
            return;
        }
        // Already streaming: OpenAI reports a mid-stream failure as an error event, then ends the stream.
        try {
            write(OpenAiResponseWriter.error(error));
            closeQuietly();
        } catch (UncheckedIOException e) {
            clientGone.increment();
        }
    }

    private void closeQuietly() {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            clientGone.increment();
        }
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private byte[] chunk(OpenAiResponseWriter.Body choice) {
        return chunk(choice, null);
    }

    /** A chunk with one choice, and {@code after} (when not null) writing more members after {@code choices}. */
    private byte[] chunk(OpenAiResponseWriter.Body choice, OpenAiResponseWriter.Body after) {
        return OpenAiResponseWriter.json(g -> {
            header(g);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            choice.write(g);
            g.writeEndObject();
            g.writeEndArray();
            if (after != null) {
                after.write(g);
            }
            g.writeEndObject();
        });
    }

    private void header(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
    }

    private void write(byte[] json) {
        if (out == null) {
            open(null);
        }
        byte[] framed = new byte[json.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, framed, 0, 6);
        System.arraycopy(json, 0, framed, 6, json.length);
        framed[framed.length - 2] = '\n';
        framed[framed.length - 1] = '\n';
        writeRaw(framed);
    }

    /**
     * Writes and flushes within the write timeout: a client that keeps its connection open but stops reading has the
     * handler thread interrupted, which closes the socket (virtual-thread socket writes are interruptible), instead of
     * holding the upstream stream, its connection and its budget hold for as long as it likes.
     */
    private void writeRaw(byte[] bytes) {
        Thread handler = Thread.currentThread();
        ScheduledFuture<?> watchdog = watchdogs.schedule(handler::interrupt, writeTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // Helidon reports a vanished client as ServerConnectionException (unchecked).
            throw new UncheckedIOException(new IOException("client connection lost", e));
        } finally {
            if (!watchdog.cancel(false)) {
                Thread.interrupted();
                throw new UncheckedIOException(new IOException("the client read nothing for " + writeTimeout));
            }
        }
    }
}
