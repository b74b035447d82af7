package dev.junction.engine;

import dev.junction.spi.StreamEvent;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A streamed answer and the decision behind it.
 *
 * <p>The events follow {@link StreamEvent}'s order. A stream fails over to the next candidate only before its first
 * token; a stream cut after that ends with a {@link StreamEvent.Error}, never silently. With
 * {@link Intent#hedgeAfter()} the next candidate is subscribed too when the current one has no first token after the
 * delay; only the first to deliver a token reaches the subscriber, the other is cancelled. The intent's latency
 * budget covers the whole stream: when it runs out mid-stream the stream ends with an error of kind
 * {@link dev.junction.spi.ErrorKind#TIMEOUT} and the decision fails with {@link DispatchFailedException}. A cache hit
 * is replayed as a stream. The publisher accepts one subscriber.
 *
 * @param events   the answer's events
 * @param decision completes when the stream ends, with the whole decision (attempts, cost)
 */
public record JunctionStream(Flow.Publisher<StreamEvent> events, CompletableFuture<RouteDecision> decision) {
    public JunctionStream {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(decision, "decision");
    }
}
