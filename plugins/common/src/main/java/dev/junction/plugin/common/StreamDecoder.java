package dev.junction.plugin.common;

import dev.junction.spi.StreamEvent;

import java.util.function.Consumer;

/**
 * Translates one provider's server-sent events into normalized {@link StreamEvent}s; one instance per stream.
 *
 * <p>The decoder emits {@link StreamEvent.Start} first, then deltas, at most one {@link StreamEvent.UsageReport}
 * and one terminal {@link StreamEvent.Finish} or {@link StreamEvent.Error}. Not thread-safe: the publisher calls it
 * from one thread at a time.
 */
public interface StreamDecoder {

    /**
     * Handles one event.
     *
     * @throws dev.junction.spi.ProviderException when the event is an error the provider sent
     * @throws java.io.UncheckedIOException       when the event's JSON is malformed
     */
    void onEvent(String event, String data, Consumer<StreamEvent> out);

    /**
     * The provider closed the stream cleanly. Emits the terminal events when the provider's protocol ends with the
     * connection (Gemini); emits nothing when the stream was cut before the provider said it was done.
     */
    void onEnd(Consumer<StreamEvent> out);
}
