package dev.junction.engine.internal;

import dev.junction.engine.BudgetExceededException;
import dev.junction.engine.Candidate;
import dev.junction.engine.Constraint;
import dev.junction.engine.Exclusion;
import dev.junction.engine.InfeasibleIntentException;
import dev.junction.engine.Intent;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.QualityPredictor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The select stage: filters a catalog snapshot by the intent's hard constraints, estimates cost, latency and quality
 * per candidate, orders by the objective and builds a fallback chain that prefers other providers.
 *
 * <p>Stateless and thread-safe. The per-model loop works on the snapshot's precomputed arrays: no locks, no
 * streams, no boxing.
 */
public final class Router {
    /** Output tokens assumed when the request sets no cap: 512 (bounded by the model's own maximum). */
    public static final int DEFAULT_EXPECTED_OUTPUT_TOKENS = 512;
    /** Time to first token assumed for a model without observations: 800 ms. */
    public static final long PRIOR_TTFT_NANOS = Duration.ofMillis(800).toNanos();
    /** Output rate assumed for a model without observations: 60 tokens/s. */
    public static final double PRIOR_TOKENS_PER_SECOND = 60;
    /** Quality assumed for a model whose catalog entry has no score: 0.5. */
    public static final double PRIOR_QUALITY = 0.5;

    private final QualityPredictor predictor;

    public Router(QualityPredictor predictor) {
        this.predictor = predictor;
    }

    /** The capability bits a request implies by itself (tools, a JSON schema, images, streaming). */
    public static int impliedCapabilities(ChatRequest request, boolean streaming) {
        int mask = 0;
        if (!request.tools().isEmpty()) {
            mask |= 1 << Capability.TOOLS.ordinal();
        }
        if (request.responseFormat().type() == dev.junction.spi.ResponseFormat.Type.JSON_SCHEMA) {
            mask |= 1 << Capability.JSON_SCHEMA.ordinal();
        }
        if (streaming) {
            mask |= 1 << Capability.STREAMING.ordinal();
        }
        for (int i = 0; i < request.messages().size(); i++) {
            if (request.messages().get(i).hasImage()) {
                mask |= 1 << Capability.VISION.ordinal();
                break;
            }
        }
        return mask;
    }

    static int mask(Set<Capability> caps) {
        int m = 0;
        for (Capability c : caps) {
            m |= 1 << c.ordinal();
        }
        return m;
    }

    /**
     * Chooses the fallback chain for one request.
     *
     * @throws InfeasibleIntentException when nothing is feasible and degrading is not allowed (or impossible)
     * @throws BudgetExceededException   when the only obstacle is a spend budget
     */
    public Selection select(CatalogSnapshot snapshot, ChatRequest request, Intent intent, String tenantId,
                            PromptAssessment assessment, int inputTokens, boolean streaming,
                            InMemoryBudgetLedger ledger, long nowMillis) {
        ModelEntry[] entries = snapshot.entries;
        int n = entries.length;
        int required = mask(intent.requiredCapabilities()) | impliedCapabilities(request, streaming);
        Integer maxOut = request.maxOutputTokens();
        double tenantLeft = ledger.tenantRemaining(tenantId);
        double[] providerLeft = new double[snapshot.providers.length];
        Arrays.fill(providerLeft, Double.NaN);
        Set<String> allowP = intent.allowedProviders();
        Set<String> denyP = intent.deniedProviders();
        Set<String> allowM = intent.allowedModels();
        Set<String> denyM = intent.deniedModels();
        String region = intent.region();
        double costCap = intent.maxCostUsd();
        long latencyBudget = intent.latencyBudget().toNanos();
        double minQuality = intent.minQuality();

        int[] feasible = new int[n];
        double[] cost = new double[n];
        long[] latency = new long[n];
        double[] quality = new double[n];
        int nf = 0;
        List<Exclusion> exclusions = new ArrayList<>();
        int degradeIdx = -1;
        double degradeViolation = Double.POSITIVE_INFINITY;
        Exclusion degradeExclusion = null;
        int budgetIdx = -1;
        String budgetName = null;
        double budgetLeft = 0;

        for (int i = 0; i < n; i++) {
            ModelEntry e = entries[i];
            if (e.client == null) {
                exclusions.add(e.notConfigured);
                continue;
            }
            if (!allowP.isEmpty() && !allowP.contains(e.provider) || denyP.contains(e.provider)) {
                exclusions.add(new Exclusion(e.id, Constraint.PROVIDER_NOT_ALLOWED,
                        denyP.contains(e.provider) ? "provider " + e.provider + " is denied"
                                : "provider " + e.provider + " is not in " + allowP));
                continue;
            }
            if (!allowM.isEmpty() && !allowM.contains(e.id) && !allowM.contains(e.model)
                    || !denyM.isEmpty() && (denyM.contains(e.id) || denyM.contains(e.model))) {
                exclusions.add(new Exclusion(e.id, Constraint.MODEL_NOT_ALLOWED,
                        !allowM.isEmpty() && !allowM.contains(e.id) && !allowM.contains(e.model)
                                ? "model is not in " + allowM : "model is denied"));
                continue;
            }
            int missing = required & ~e.capabilityMask;
            if (missing != 0) {
                exclusions.add(new Exclusion(e.id, Constraint.CAPABILITY, "lacks " + names(missing)));
                continue;
            }
            int modelMaxOut = e.descriptor.maxOutputTokens();
            if (maxOut != null && maxOut > modelMaxOut) {
                exclusions.add(new Exclusion(e.id, Constraint.CONTEXT_WINDOW,
                        "max output " + maxOut + " > model's max output " + modelMaxOut));
                continue;
            }
            int out = maxOut != null ? maxOut : Math.min(DEFAULT_EXPECTED_OUTPUT_TOKENS, modelMaxOut);
            if ((long) inputTokens + out > e.descriptor.contextWindow()) {
                exclusions.add(new Exclusion(e.id, Constraint.CONTEXT_WINDOW, "input " + inputTokens + " + output "
                        + out + " tokens > context window " + e.descriptor.contextWindow()));
                continue;
            }
            if (region != null && !e.descriptor.regions().contains(region)) {
                exclusions.add(new Exclusion(e.id, Constraint.REGION,
                        "not served in " + region + " (regions " + e.descriptor.regions() + ")"));
                continue;
            }
            if (intent.zeroDataRetention() && !e.zeroRetention) {
                exclusions.add(new Exclusion(e.id, Constraint.DATA_RETENTION,
                        "retention is " + e.descriptor.retention() + ", ZERO required"));
                continue;
            }
            if (e.providerCircuit.refusing(nowMillis) || e.modelCircuit.refusing(nowMillis)) {
                exclusions.add(new Exclusion(e.id, Constraint.CIRCUIT_OPEN, e.providerCircuit.refusing(nowMillis)
                        ? "provider " + e.provider + " circuit is open" : "model circuit is open"));
                continue;
            }
            try {
                e.client.validate(request, e.descriptor);
            } catch (RuntimeException ex) {
                exclusions.add(new Exclusion(e.id, Constraint.UNSUPPORTED_REQUEST, String.valueOf(ex.getMessage())));
                continue;
            }
            double c = inputTokens * e.inputPerToken + out * e.outputPerToken;
            long lat = estimateLatency(e, out);
            double q = predictor.predict(assessment, e.descriptor);
            // Soft constraints: a degraded answer may violate these.
            double violation = 0;
            Exclusion soft = null;
            if (c > costCap) {
                violation += c / costCap - 1;
                soft = new Exclusion(e.id, Constraint.COST_CAP, "estimated " + usd(c) + " > cap " + usd(costCap));
            }
            // Only observed latency can rule a model out; the prior only ranks models nobody has measured yet.
            if (lat > latencyBudget && e.stats.latencyP50Nanos() >= 0) {
                violation += (double) lat / latencyBudget - 1;
                if (soft == null) {
                    soft = new Exclusion(e.id, Constraint.LATENCY_BUDGET, "estimated " + millis(lat) + " > budget "
                            + millis(latencyBudget));
                }
            }
            if (q < minQuality) {
                violation += (minQuality - q) / minQuality;
                if (soft == null) {
                    soft = new Exclusion(e.id, Constraint.QUALITY_FLOOR, String.format(Locale.ROOT,
                            "predicted %.3f < floor %.3f", q, minQuality));
                }
            }
            int p = e.providerIndex;
            if (Double.isNaN(providerLeft[p])) {
                providerLeft[p] = ledger.providerRemaining(e.provider);
            }
            boolean overTenant = c > tenantLeft;
            boolean overProvider = c > providerLeft[p];
            if (soft != null) {
                exclusions.add(soft);
                if (!overTenant && !overProvider && violation < degradeViolation) {
                    degradeViolation = violation;
                    degradeIdx = i;
                    degradeExclusion = soft;
                    cost[i] = c;
                    latency[i] = lat;
                    quality[i] = q;
                }
                continue;
            }
            if (overTenant || overProvider) {
                String name = overTenant ? "tenant:" + tenantId : "provider:" + e.provider;
                double left = overTenant ? tenantLeft : providerLeft[p];
                exclusions.add(new Exclusion(e.id, Constraint.BUDGET, "estimated " + usd(c) + " > " + usd(left)
                        + " left in " + name));
                if (budgetIdx < 0 || c < cost[budgetIdx]) {
                    budgetIdx = i;
                    budgetName = name;
                    budgetLeft = left;
                    cost[i] = c;
                }
                continue;
            }
            feasible[nf++] = i;
            cost[i] = c;
            latency[i] = lat;
            quality[i] = q;
        }

        if (nf == 0) {
            if (intent.allowDegrade() && degradeIdx >= 0) {
                Candidate chosen = new Candidate(entries[degradeIdx].descriptor, cost[degradeIdx],
                        Duration.ofNanos(latency[degradeIdx]), quality[degradeIdx], 0);
                return new Selection(new Candidate[]{chosen}, new ModelEntry[]{entries[degradeIdx]}, exclusions,
                        degradeExclusion);
            }
            if (budgetIdx >= 0 && degradeIdx < 0) {
                throw new BudgetExceededException(budgetName, budgetLeft, cost[budgetIdx]);
            }
            throw new InfeasibleIntentException(exclusions);
        }
        double[] score = score(intent, feasible, nf, cost, latency, quality);
        long[] keys = new long[nf];
        for (int k = 0; k < nf; k++) {
            keys[k] = sortKey(-score[k], k);
        }
        Arrays.sort(keys);
        // The chain: the best of each provider first (in rank order), then the rest in rank order.
        boolean[] providerSeen = new boolean[snapshot.providers.length];
        boolean[] taken = new boolean[nf];
        Candidate[] chain = new Candidate[nf];
        ModelEntry[] chainEntries = new ModelEntry[nf];
        int c = 0;
        for (int r = 0; r < nf; r++) {
            int k = (int) (keys[r] & 0xFFFF);
            ModelEntry e = entries[feasible[k]];
            if (!providerSeen[e.providerIndex]) {
                providerSeen[e.providerIndex] = true;
                taken[k] = true;
                chainEntries[c] = e;
                chain[c++] = candidate(e, feasible[k], cost, latency, quality, score[k]);
            }
        }
        for (int r = 0; r < nf; r++) {
            int k = (int) (keys[r] & 0xFFFF);
            if (!taken[k]) {
                ModelEntry e = entries[feasible[k]];
                chainEntries[c] = e;
                chain[c++] = candidate(e, feasible[k], cost, latency, quality, score[k]);
            }
        }
        return new Selection(chain, chainEntries, exclusions, null);
    }

    private static Candidate candidate(ModelEntry e, int i, double[] cost, long[] latency, double[] quality, double score) {
        return new Candidate(e.descriptor, cost[i], Duration.ofNanos(latency[i]), quality[i], score);
    }

    /** A signed-comparable key: the score's order in the high bits, the index in the low 16 bits. */
    private static long sortKey(double value, int index) {
        long bits = Double.doubleToLongBits(value == 0 ? 0.0 : value);
        bits ^= (bits >> 63) & 0x7fffffffffffffffL;
        return (bits & ~0xFFFFL) | index;
    }

    private static double[] score(Intent intent, int[] feasible, int nf, double[] cost, long[] latency, double[] quality) {
        double[] s = new double[nf];
        switch (intent.objective()) {
            case CHEAPEST -> {
                for (int k = 0; k < nf; k++) {
                    int i = feasible[k];
                    s[k] = -cost[i] * 1e6 + quality[i] * 1e-6;
                }
            }
            case FASTEST -> {
                for (int k = 0; k < nf; k++) {
                    s[k] = -latency[feasible[k]] / 1e6;
                }
            }
            case BEST_QUALITY -> {
                for (int k = 0; k < nf; k++) {
                    int i = feasible[k];
                    s[k] = quality[i] - cost[i] * 1e-6;
                }
            }
            case BALANCED -> {
                double minC = Double.POSITIVE_INFINITY;
                double maxC = Double.NEGATIVE_INFINITY;
                double minL = Double.POSITIVE_INFINITY;
                double maxL = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < nf; k++) {
                    int i = feasible[k];
                    double lc = Math.log1p(cost[i] * 1e6);
                    double ll = Math.log1p(latency[i] / 1e6);
                    minC = Math.min(minC, lc);
                    maxC = Math.max(maxC, lc);
                    minL = Math.min(minL, ll);
                    maxL = Math.max(maxL, ll);
                }
                double rc = maxC - minC;
                double rl = maxL - minL;
                for (int k = 0; k < nf; k++) {
                    int i = feasible[k];
                    double cn = rc == 0 ? 0 : (Math.log1p(cost[i] * 1e6) - minC) / rc;
                    double ln = rl == 0 ? 0 : (Math.log1p(latency[i] / 1e6) - minL) / rl;
                    s[k] = 0.5 * quality[i] + 0.3 * (1 - cn) + 0.2 * (1 - ln);
                }
            }
            default -> throw new IllegalStateException("unknown objective " + intent.objective());
        }
        return s;
    }

    /** Expected total latency: observed median when there is one, else a prior from TTFT and output rate. */
    static long estimateLatency(ModelEntry e, int outputTokens) {
        long observed = e.stats.latencyP50Nanos();
        if (observed >= 0) {
            return observed;
        }
        return PRIOR_TTFT_NANOS + (long) (outputTokens / PRIOR_TOKENS_PER_SECOND * 1e9);
    }

    private static String names(int mask) {
        StringBuilder sb = new StringBuilder();
        for (Capability c : Capability.values()) {
            if ((mask & (1 << c.ordinal())) != 0) {
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String usd(double v) {
        return String.format(Locale.ROOT, "$%.6f", v);
    }

    private static String millis(long nanos) {
        return (nanos / 1_000_000) + " ms";
    }

    /**
     * The router's choice.
     *
     * @param chain      feasible candidates in fallback order (first = primary)
     * @param entries    their catalog entries, same order
     * @param exclusions every removed candidate and why
     * @param violated   for a degraded choice, the constraint it violates; else null
     */
    public record Selection(Candidate[] chain, ModelEntry[] entries, List<Exclusion> exclusions, Exclusion violated) {
    }
}
