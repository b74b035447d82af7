package dev.junction.engine;

/** A hard constraint that can remove a candidate model from a routing decision. */
public enum Constraint {
    /** No configured provider client serves the model's provider. */
    PROVIDER_NOT_CONFIGURED,
    /** The intent's allow or deny lists exclude the provider. */
    PROVIDER_NOT_ALLOWED,
    /** The intent's allow or deny lists exclude the model. */
    MODEL_NOT_ALLOWED,
    /** The model lacks a capability the request or intent needs. */
    CAPABILITY,
    /** The prompt plus the output cap does not fit the context window. */
    CONTEXT_WINDOW,
    /** The model is not served in the intent's region. */
    REGION,
    /** The intent requires zero data retention and the model does not offer it. */
    DATA_RETENTION,
    /** The estimated cost exceeds the intent's cost cap. */
    COST_CAP,
    /** The estimated latency exceeds the intent's latency budget. */
    LATENCY_BUDGET,
    /** The predicted quality is below the intent's floor. */
    QUALITY_FLOOR,
    /** The provider's or model's circuit breaker is open. */
    CIRCUIT_OPEN,
    /** The tenant's or provider's budget has less left than the estimated cost. */
    BUDGET,
    /** The provider plugin refused the request before sending (e.g. images on a text-only model). */
    UNSUPPORTED_REQUEST
}
