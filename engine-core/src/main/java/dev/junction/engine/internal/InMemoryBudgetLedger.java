package dev.junction.engine.internal;

import dev.junction.engine.BudgetLedger;
import dev.junction.engine.BudgetStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A process-local budget ledger: caps and spend per tenant and per provider.
 *
 * <p>Thread-safe and lock-free on the read path (one map look-up per budget).
 */
public final class InMemoryBudgetLedger implements BudgetLedger {
    private final Map<String, Double> tenantCaps = new ConcurrentHashMap<>();
    private final Map<String, Double> providerCaps = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> tenantSpend = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> providerSpend = new ConcurrentHashMap<>();

    /** What the tenant has left; infinite when uncapped. */
    public double tenantRemaining(String tenantId) {
        return remaining(tenantCaps, tenantSpend, tenantId);
    }

    /** What the provider has left; infinite when uncapped. */
    public double providerRemaining(String providerId) {
        return remaining(providerCaps, providerSpend, providerId);
    }

    /** Whether any provider has a cap; when none has, every provider has infinitely much left. */
    public boolean anyProviderCap() {
        return !providerCaps.isEmpty();
    }

    private static double remaining(Map<String, Double> caps, Map<String, DoubleAdder> spend, String key) {
        Double cap = caps.get(key);
        if (cap == null) {
            return Double.POSITIVE_INFINITY;
        }
        DoubleAdder spent = spend.get(key);
        return Math.max(0, cap - (spent == null ? 0 : spent.sum()));
    }

    /** Records the actual cost of one call. */
    public void record(String tenantId, String providerId, double costUsd) {
        if (costUsd <= 0) {
            return;
        }
        tenantSpend.computeIfAbsent(tenantId, k -> new DoubleAdder()).add(costUsd);
        providerSpend.computeIfAbsent(providerId, k -> new DoubleAdder()).add(costUsd);
    }

    @Override
    public BudgetStatus tenant(String tenantId) {
        return status("tenant:" + tenantId, tenantCaps.get(tenantId), tenantSpend.get(tenantId));
    }

    @Override
    public BudgetStatus provider(String providerId) {
        return status("provider:" + providerId, providerCaps.get(providerId), providerSpend.get(providerId));
    }

    private static BudgetStatus status(String name, Double cap, DoubleAdder spent) {
        return new BudgetStatus(name, cap == null ? Double.POSITIVE_INFINITY : cap, spent == null ? 0 : spent.sum());
    }

    @Override
    public List<BudgetStatus> all() {
        List<BudgetStatus> out = new ArrayList<>();
        TreeSet<String> tenants = new TreeSet<>(tenantCaps.keySet());
        tenants.addAll(tenantSpend.keySet());
        TreeSet<String> providers = new TreeSet<>(providerCaps.keySet());
        providers.addAll(providerSpend.keySet());
        for (String p : providers) {
            out.add(provider(p));
        }
        for (String t : tenants) {
            out.add(tenant(t));
        }
        return out;
    }

    @Override
    public void setTenantCap(String tenantId, double capUsd) {
        setCap(tenantCaps, "tenant", tenantId, capUsd);
    }

    @Override
    public void setProviderCap(String providerId, double capUsd) {
        setCap(providerCaps, "provider", providerId, capUsd);
    }

    private static void setCap(Map<String, Double> caps, String kind, String key, double capUsd) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(kind + " id must not be blank, was '" + key + "'");
        }
        if (!(capUsd >= 0)) {
            throw new IllegalArgumentException(kind + " cap for " + key + " must be >= 0, was " + capUsd);
        }
        if (capUsd == Double.POSITIVE_INFINITY) {
            caps.remove(key);
        } else {
            caps.put(key, capUsd);
        }
    }
}
