package dev.junction.engine.internal;

import dev.junction.engine.BudgetLedger;
import dev.junction.engine.BudgetStatus;
import dev.junction.engine.Candidate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A process-local budget ledger: caps, spend and holds per tenant and per provider.
 *
 * <p>A hold is the estimated cost of a request in flight, taken after routing and given back when the request ends,
 * after its actual cost is recorded: what is left of a budget is its cap less spend and holds, so concurrent requests
 * cannot together pass a cap that each of them alone fits (as far as the estimates hold).
 *
 * <p>Thread-safe. Reads are lock-free (one map look-up per budget); taking holds on capped budgets is serialized.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {
    private final Map<String, Double> tenantCaps = new ConcurrentHashMap<>();
    private final Map<String, Double> providerCaps = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> tenantSpend = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> providerSpend = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> tenantHeld = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> providerHeld = new ConcurrentHashMap<>();

    /** What the tenant has left after spend and holds; infinite when uncapped. */
    public double tenantRemaining(String tenantId) {
        return remaining(tenantCaps, tenantSpend, tenantHeld, tenantId);
    }

    /** What the provider has left after spend and holds; infinite when uncapped. */
    public double providerRemaining(String providerId) {
        return remaining(providerCaps, providerSpend, providerHeld, providerId);
    }

    /** Whether any provider has a cap; when none has, every provider has infinitely much left. */
    public boolean anyProviderCap() {
        return !providerCaps.isEmpty();
    }

    private static double remaining(Map<String, Double> caps, Map<String, DoubleAdder> spend,
                                    Map<String, DoubleAdder> held, String key) {
        Double cap = caps.get(key);
        if (cap == null) {
            return Double.POSITIVE_INFINITY;
        }
        // Holds first: a request that ends records its spend before it gives its hold back, so read in this order it
        // is counted at least once (read the other way round, it may be in neither sum).
        DoubleAdder holds = held.get(key);
        double h = holds == null ? 0 : holds.sum();
        DoubleAdder spent = spend.get(key);
        return Math.max(0, cap - (spent == null ? 0 : spent.sum()) - h);
    }

    /**
     * Holds, for one routed request, the most any candidate of its chain may cost against the tenant's budget and,
     * per capped provider, the most that provider's candidates may cost, for the longest leading part of the chain
     * that fits what is left. Nothing is held when neither the tenant nor any provider is capped.
     *
     * @param chain   the routed chain, with each candidate's estimated cost
     * @param entries the chain's models, in the same order
     * @return the hold; {@link Hold#fits()} is how many leading candidates it covers, 0 when not even the first fits
     */
    public Hold hold(String tenantId, Candidate[] chain, ModelEntry[] entries) {
        Double tenantCap = tenantCaps.get(tenantId);
        if (tenantCap == null && providerCaps.isEmpty()) {
            return Hold.NONE;
        }
        synchronized (this) {
            double tenantLeft = tenantRemaining(tenantId);
            double tenantMax = 0;
            Map<String, Double> providerMax = providerCaps.isEmpty() ? Map.of() : new HashMap<>(4);
            int k = 0;
            String refused = null;
            double refusedLeft = 0;
            for (; k < chain.length; k++) {
                double cost = chain[k].estimatedCostUsd();
                if (Math.max(tenantMax, cost) > tenantLeft) {
                    refused = "tenant:" + tenantId;
                    refusedLeft = tenantLeft;
                    break;
                }
                String p = entries[k].provider;
                if (providerCaps.containsKey(p)) {
                    double max = Math.max(providerMax.getOrDefault(p, 0.0), cost);
                    double left = providerRemaining(p);
                    if (max > left) {
                        refused = "provider:" + p;
                        refusedLeft = left;
                        break;
                    }
                    providerMax.put(p, max);
                }
                tenantMax = Math.max(tenantMax, cost);
            }
            if (k == 0) {
                return new Hold(null, tenantId, 0, Map.of(), 0, refused, refusedLeft);
            }
            double tenantHold = tenantCap == null ? 0 : tenantMax;
            if (tenantHold > 0) {
                tenantHeld.computeIfAbsent(tenantId, t -> new DoubleAdder()).add(tenantHold);
            }
            providerMax.forEach((p, max) -> providerHeld.computeIfAbsent(p, x -> new DoubleAdder()).add(max));
            return new Hold(this, tenantId, tenantHold, Map.copyOf(providerMax), k, refused, refusedLeft);
        }
    }

    /** Estimated spend held for one request in flight; {@link #release()} gives it back (once). */
    public static final class Hold {
        /** Holds nothing and covers any chain: for requests no cap applies to. */
        public static final Hold NONE = new Hold(null, "", 0, Map.of(), Integer.MAX_VALUE, null, 0);

        private final InMemoryBudgetLedger ledger;
        private final String tenantId;
        private final double tenantAmount;
        private final Map<String, Double> providerAmounts;
        private final int fits;
        private final String refusedBy;
        private final double refusedLeft;
        private final AtomicBoolean released = new AtomicBoolean();

        private Hold(InMemoryBudgetLedger ledger, String tenantId, double tenantAmount,
                     Map<String, Double> providerAmounts, int fits, String refusedBy, double refusedLeft) {
            this.ledger = ledger;
            this.tenantId = tenantId;
            this.tenantAmount = tenantAmount;
            this.providerAmounts = providerAmounts;
            this.fits = fits;
            this.refusedBy = refusedBy;
            this.refusedLeft = refusedLeft;
        }

        /** How many leading candidates of the chain the hold covers. */
        public int fits() {
            return fits;
        }

        /** The budget that cut the hold short ({@code tenant:<id>} or {@code provider:<id>}), or null. */
        public String refusedBy() {
            return refusedBy;
        }

        /** What that budget had left. */
        public double refusedLeft() {
            return refusedLeft;
        }

        /** Gives the held amounts back; call it after the request's actual cost is recorded. Idempotent. */
        public void release() {
            if (ledger == null || !released.compareAndSet(false, true)) {
                return;
            }
            if (tenantAmount > 0) {
                ledger.tenantHeld.get(tenantId).add(-tenantAmount);
            }
            providerAmounts.forEach((p, amount) -> ledger.providerHeld.get(p).add(-amount));
        }
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
        return status("tenant:" + tenantId, tenantCaps.get(tenantId), tenantSpend.get(tenantId),
                tenantHeld.get(tenantId));
    }

    @Override
    public BudgetStatus provider(String providerId) {
        return status("provider:" + providerId, providerCaps.get(providerId), providerSpend.get(providerId),
                providerHeld.get(providerId));
    }

    private static BudgetStatus status(String name, Double cap, DoubleAdder spent, DoubleAdder held) {
        // Holds come and go by adding and subtracting: what rounding leaves of them is no hold.
        double holds = held == null ? 0 : held.sum();
        return new BudgetStatus(name, cap == null ? Double.POSITIVE_INFINITY : cap, spent == null ? 0 : spent.sum(),
                holds < 1e-12 ? 0 : holds);
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
