package dev.junction.engine;

import java.util.Objects;

/**
 * What one budget has spent, holds and has left.
 *
 * @param budget       {@code tenant:<id>} or {@code provider:<id>}
 * @param capUsd       the cap in US dollars, or {@code Double.POSITIVE_INFINITY} when uncapped
 * @param spentUsd     what was spent since the engine started (actual cost from reported usage)
 * @param heldUsd      the estimated cost of the requests in flight against it (capped budgets only)
 */
public record BudgetStatus(String budget, double capUsd, double spentUsd, double heldUsd) {
    public BudgetStatus {
        Objects.requireNonNull(budget, "budget");
    }

    /** What is left for new requests, never negative; infinite when uncapped. */
    public double remainingUsd() {
        return Math.max(0, capUsd - spentUsd - heldUsd);
    }
}
