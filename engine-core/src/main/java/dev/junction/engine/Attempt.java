package dev.junction.engine;

import dev.junction.spi.ErrorKind;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One provider call made for a request.
 *
 * @param modelId   {@code provider/model}
 * @param startedAt when the call started
 * @param duration  how long it took until it succeeded, failed or was cancelled
 * @param outcome   how it ended
 * @param error     the error's kind when it failed, else null
 * @param message   the error's message when it failed, else null (never contains secrets)
 */
public record Attempt(String modelId, Instant startedAt, Duration duration, Outcome outcome, ErrorKind error,
                      String message) {
    public Attempt {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** How an attempt ended. */
    public enum Outcome {
        /** It produced the answer. */
        SUCCEEDED,
        /** It failed; the error says how. */
        FAILED,
        /** It was cancelled because a hedged attempt answered first, or the caller cancelled. */
        CANCELLED
    }
}
