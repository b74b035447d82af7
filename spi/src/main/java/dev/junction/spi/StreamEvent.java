package dev.junction.spi;

import java.util.Objects;

/**
 * One event of a streamed answer, in order: one {@link Start}, any number of {@link TextDelta} and
 * {@link ToolCallDelta}, at most one {@link UsageReport}, then exactly one {@link Finish} or {@link Error}.
 *
 * <p>Streams are {@link java.util.concurrent.Flow.Publisher}s of these events: the subscriber's
 * {@code request(n)} is the backpressure and {@code cancel()} closes the underlying connection.
 */
public sealed interface StreamEvent {

    /** The stream has started; the provider has accepted the request. */
    record Start(String id, String provider, String model, String modelVersion) implements StreamEvent {
    }

    /** A piece of generated text. */
    record TextDelta(String text) implements StreamEvent {
        public TextDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of a tool call. The first delta of a call carries its id and name; later ones carry argument text.
     *
     * @param index          the call's position among the answer's tool calls
     * @param id             the call's id on its first delta, else null
     * @param name           the tool's name on its first delta, else null
     * @param argumentsDelta a fragment of the arguments JSON text ({@code ""} when none)
     */
    record ToolCallDelta(int index, String id, String name, String argumentsDelta) implements StreamEvent {
        public ToolCallDelta {
            argumentsDelta = argumentsDelta == null ? "" : argumentsDelta;
        }
    }

    /** Token counts for the whole answer. */
    record UsageReport(Usage usage) implements StreamEvent {
        public UsageReport {
            Objects.requireNonNull(usage, "usage");
        }
    }

    /** The answer is complete. */
    record Finish(FinishReason reason) implements StreamEvent {
        public Finish {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The stream failed; no event follows. */
    record Error(ProviderException error) implements StreamEvent {
        public Error {
            Objects.requireNonNull(error, "error");
        }
    }
}
