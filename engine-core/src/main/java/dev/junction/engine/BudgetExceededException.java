package dev.junction.engine;

import java.io.Serial;

/** The request's estimated cost exceeds what is left of a tenant's or provider's budget; nothing was called. */
public final class BudgetExceededException extends JunctionException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String budget;
    private final double remainingUsd;
    private final double estimatedUsd;

    /**
     * @param budget       the budget's name, e.g. {@code tenant:acme} or {@code provider:openai}
     * @param remainingUsd what is left of it
     * @param estimatedUsd the cheapest feasible candidate's estimated cost
     */
    public BudgetExceededException(String budget, double remainingUsd, double estimatedUsd) {
        super(String.format(java.util.Locale.ROOT, "budget %s has $%.6f left, the request is estimated at $%.6f",
                budget, remainingUsd, estimatedUsd));
        this.budget = budget;
        this.remainingUsd = remainingUsd;
        this.estimatedUsd = estimatedUsd;
    }

    public String budget() {
        return budget;
    }

    public double remainingUsd() {
        return remainingUsd;
    }

    public double estimatedUsd() {
        return estimatedUsd;
    }
}
