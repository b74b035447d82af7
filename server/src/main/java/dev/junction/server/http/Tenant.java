package dev.junction.server.http;

import dev.junction.engine.Intent;

import java.util.Objects;

/**
 * A tenant of the gateway: who a virtual API key belongs to, what it may spend and how fast it may call.
 *
 * @param id                the tenant id (budgets, cache isolation, audit)
 * @param budgetUsd         the spend cap in US dollars, or {@code Double.POSITIVE_INFINITY}
 * @param requestsPerSecond the rate limit, or 0 for none
 * @param defaultIntent     the intent requests start from before their own {@code intent} and headers apply
 */
public record Tenant(String id, double budgetUsd, int requestsPerSecond, Intent defaultIntent) {
    /** The tenant of every request when no virtual keys are configured. */
    public static final Tenant OPEN = new Tenant("default", Double.POSITIVE_INFINITY, 0, Intent.DEFAULT);

    public Tenant {
        Objects.requireNonNull(id, "id");
        if (!(budgetUsd > 0)) {
            throw new IllegalArgumentException("tenant " + id + ": budget must be > 0, was " + budgetUsd);
        }
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("tenant " + id + ": requests per second must be >= 0, was " + requestsPerSecond);
        }
        defaultIntent = defaultIntent == null ? Intent.DEFAULT : defaultIntent;
    }
}
