package dev.junction.cache;

import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams and the cache: a streamed answer is stored only once complete ({@link #assemble}), and a cached answer is
 * replayed as a stream ({@link #replay}). Stateless and thread-safe.
 */
public final class CachedStreams {
    /** Characters per replayed text delta. */
    public static final int TEXT_CHUNK = 64;

    private CachedStreams() {
    }

    /**
     * The complete answer a finished stream carried, or empty when the stream did not end with a
     * {@link StreamEvent.Finish} (cut, failed, or finished with {@link FinishReason#ERROR}): only those are cached.
     */
    public static Optional<ChatResponse> assemble(List<StreamEvent> events) {
        if (events.isEmpty() || !(events.get(events.size() - 1) instanceof StreamEvent.Finish finish)
                || finish.reason() == FinishReason.ERROR || !(events.get(0) instanceof StreamEvent.Start start)) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        TreeMap<Integer, String[]> calls = new TreeMap<>();
        Usage usage = Usage.ZERO;
        for (StreamEvent e : events) {
            switch (e) {
                case StreamEvent.TextDelta d -> text.append(d.text());
                case StreamEvent.ToolCallDelta d -> {
                    String[] call = calls.computeIfAbsent(d.index(), i -> new String[] {null, null, ""});
                    if (d.id() != null) {
                        call[0] = d.id();
                    }
                    if (d.name() != null) {
                        call[1] = d.name();
                    }
                    call[2] = call[2] + d.argumentsDelta();
                }
                case StreamEvent.UsageReport u -> usage = u.usage();
                case StreamEvent.Error err -> {
                    return Optional.empty();
                }
                case StreamEvent.Start s -> { }
                case StreamEvent.Finish f -> { }
            }
        }
        List<ToolCall> toolCalls = new ArrayList<>();
        for (String[] call : calls.values()) {
            if (call[0] == null || call[1] == null) {
                return Optional.empty();
            }
            toolCalls.add(new ToolCall(call[0], call[1], call[2]));
        }
        String id = start.id() == null ? "stream" : start.id();
        return Optional.of(new ChatResponse(id, text.toString(), toolCalls, finish.reason(), usage,
                start.provider() == null ? "unknown" : start.provider(), start.model() == null ? "unknown" : start.model(),
                start.modelVersion()));
    }

    /** The events that replay {@code response}: start, text in {@value #TEXT_CHUNK}-character deltas, tool calls, usage, finish. */
    public static List<StreamEvent> events(ChatResponse response) {
        List<StreamEvent> out = new ArrayList<>();
        out.add(new StreamEvent.Start(response.id(), response.provider(), response.model(), response.modelVersion()));
        String text = response.text();
        for (int i = 0; i < text.length(); i += TEXT_CHUNK) {
            int end = Math.min(text.length(), i + TEXT_CHUNK);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            out.add(new StreamEvent.TextDelta(text.substring(i, end)));
            i = end - TEXT_CHUNK;
        }
        List<ToolCall> calls = response.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            out.add(new StreamEvent.ToolCallDelta(i, c.id(), c.name(), c.argumentsJson()));
        }
        out.add(new StreamEvent.UsageReport(response.usage()));
        out.add(new StreamEvent.Finish(response.finishReason()));
        return out;
    }

    /**
     * A cold publisher replaying {@code response} to each subscriber, honouring {@code request(n)} and
     * {@code cancel()}; events are delivered on the requesting thread.
     */
    public static Flow.Publisher<StreamEvent> replay(ChatResponse response) {
        List<StreamEvent> events = events(response);
        return subscriber -> subscriber.onSubscribe(new Replay(events, subscriber));
    }

    private static final class Replay implements Flow.Subscription {
        private final List<StreamEvent> events;
        private final Flow.Subscriber<? super StreamEvent> subscriber;
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private int next;

        Replay(List<StreamEvent> events, Flow.Subscriber<? super StreamEvent> subscriber) {
            this.events = events;
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request(n) needs n > 0, was " + n));
                return;
            }
            requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (wip.getAndIncrement() != 0) {
                return; // a drain loop further up the stack delivers
            }
            do {
                while (requested.get() > 0 && next < events.size() && !cancelled.get()) {
                    requested.decrementAndGet();
                    subscriber.onNext(events.get(next++));
                }
                if (next == events.size() && cancelled.compareAndSet(false, true)) {
                    subscriber.onComplete();
                }
            } while (wip.decrementAndGet() != 0);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }
}
