package dev.junction.engine;

import java.util.List;

/**
 * Spend per tenant and per provider, with caps: a request whose estimated cost exceeds what is left is refused before
 * any provider call. A routed request holds its estimate until it ends, so what is left is the cap less spend and the
 * holds of the requests in flight: concurrent requests cannot together pass a cap (as far as their estimates hold).
 *
 * <p>Thread-safe. Spend accumulates from the engine's start (a process-local ledger; caps are totals, not rates).
 */
public interface BudgetLedger {

    /** The tenant's budget ({@code tenant:<id>}). */
    BudgetStatus tenant(String tenantId);

    /** The provider's budget ({@code provider:<id>}). */
    BudgetStatus provider(String providerId);

    /** Every budget with a cap or some spend, sorted by name. */
    List<BudgetStatus> all();

    /** Sets (or, with {@code Double.POSITIVE_INFINITY}, removes) a tenant's cap. */
    void setTenantCap(String tenantId, double capUsd);

    /** Sets (or, with {@code Double.POSITIVE_INFINITY}, removes) a provider's cap. */
    void setProviderCap(String providerId, double capUsd);
}
