package dev.junction.engine;

/** The state of a provider's or model's circuit breaker. */
public enum CircuitState {
    /** Calls flow. */
    CLOSED,
    /** Calls are refused until the open period ends. */
    OPEN,
    /** A few probe calls decide whether to close or open again. */
    HALF_OPEN
}
