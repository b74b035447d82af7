package dev.junction.engine.internal;

import dev.junction.spi.ChatResponse;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Replays a complete answer (a cache hit) as a stream: start, the text, tool calls, usage, finish.
 *
 * <p>Honours demand; accepts one subscriber.
 */
public final class ReplayPublisher implements Flow.Publisher<StreamEvent> {
    private final List<StreamEvent> events;
    private boolean subscribed;

    public ReplayPublisher(ChatResponse r) {
        List<StreamEvent> ev = new ArrayList<>();
        ev.add(new StreamEvent.Start(r.id(), r.provider(), r.model(), r.modelVersion()));
        if (!r.text().isEmpty()) {
            ev.add(new StreamEvent.TextDelta(r.text()));
        }
        for (int i = 0; i < r.toolCalls().size(); i++) {
            ToolCall c = r.toolCalls().get(i);
            ev.add(new StreamEvent.ToolCallDelta(i, c.id(), c.name(), c.argumentsJson()));
        }
        ev.add(new StreamEvent.UsageReport(r.usage()));
        ev.add(new StreamEvent.Finish(r.finishReason()));
        this.events = List.copyOf(ev);
    }

    /** Replays a fixed list of events (ending in a Finish or Error). */
    public ReplayPublisher(List<StreamEvent> events) {
        this.events = List.copyOf(events);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
        synchronized (this) {
            if (subscribed) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("a Junction stream accepts one subscriber"));
                return;
            }
            subscribed = true;
        }
        subscriber.onSubscribe(new Flow.Subscription() {
            private int pos;
            private long requested;
            private boolean done;
            private boolean emitting;

            @Override
            public synchronized void request(long n) {
                if (done) {
                    return;
                }
                if (n <= 0) {
                    done = true;
                    subscriber.onError(new IllegalArgumentException("request(n) needs n > 0, was " + n));
                    return;
                }
                requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
                if (emitting) {
                    return;
                }
                emitting = true;
                try {
                    while (!done && requested > 0 && pos < events.size()) {
                        requested--;
                        subscriber.onNext(events.get(pos++));
                    }
                    if (!done && pos == events.size()) {
                        done = true;
                        subscriber.onComplete();
                    }
                } finally {
                    emitting = false;
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }
}
