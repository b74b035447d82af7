package dev.junction.engine;

import java.io.Serial;

/** Every candidate of the fallback chain failed (or the latency budget ran out); the decision lists the attempts. */
public final class DispatchFailedException extends JunctionException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient RouteDecision decision;

    public DispatchFailedException(String message, RouteDecision decision, Throwable lastError) {
        super(message, lastError);
        this.decision = decision;
    }

    /** The routing decision with every attempt made. */
    public RouteDecision decision() {
        return decision;
    }
}
