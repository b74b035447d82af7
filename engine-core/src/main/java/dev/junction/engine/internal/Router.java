package dev.junction.engine.internal;

import dev.junction.engine.BudgetExceededException;
import dev.junction.engine.Candidate;
import dev.junction.engine.Constraint;
import dev.junction.engine.Exclusion;
import dev.junction.engine.InfeasibleIntentException;
import dev.junction.engine.Intent;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.QualityPredictor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

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
    /** The longest fallback chain kept (and listed in the decision): 8 candidates. */
    public static final int MAX_CHAIN = 8;

    private final QualityPredictor predictor;
    private final boolean catalogScores;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    public Router(QualityPredictor predictor) {
        this.predictor = predictor;
        this.catalogScores = predictor instanceof CatalogQualityPredictor;
    }

    /** Per-thread work arrays, grown to the catalog's size, so selection allocates only its result. */
    private static final class Scratch {
        int[] feasible = new int[0];
        double[] cost = new double[0];
        long[] latency = new long[0];
        double[] quality = new double[0];
        double[] score = new double[0];
        double[] root = new double[0];
        int[] bestOfProvider = new int[0];
        double[] providerLeft = new double[0];
        boolean[] taken = new boolean[0];

        void ensure(int n, int providers) {
            if (feasible.length < n) {
                feasible = new int[n];
                cost = new double[n];
                latency = new long[n];
                quality = new double[n];
                score = new double[n];
                root = new double[n];
                taken = new boolean[n];
            }
            if (bestOfProvider.length < providers) {
                bestOfProvider = new int[providers];
                providerLeft = new double[providers];
            }
        }
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
        Set<String> allowP = intent.allowedProviders();
        Set<String> denyP = intent.deniedProviders();
        Set<String> allowM = intent.allowedModels();
        Set<String> denyM = intent.deniedModels();
        String region = intent.region();
        double costCap = intent.maxCostUsd();
        long latencyBudget = intent.latencyBudget().toNanos();
        double minQuality = intent.minQuality();
        boolean providerLists = !allowP.isEmpty() || !denyP.isEmpty();
        boolean modelLists = !allowM.isEmpty() || !denyM.isEmpty();
        boolean zdr = intent.zeroDataRetention();
        int maxOutV = maxOut == null ? -1 : maxOut;

        Scratch w = scratch.get();
        w.ensure(n, snapshot.providers.length);
        double[] providerLeft = w.providerLeft;
        Arrays.fill(providerLeft, 0, snapshot.providers.length, Double.NaN);
        // The per-model numbers come from the snapshot's parallel arrays; an entry itself is read only to explain an
        // exclusion or for a rarely used constraint. Circuits are looked at only when one of them may be open.
        boolean[] configured = snapshot.configured;
        int[] providerIndex = snapshot.providerIndex;
        int[] capabilityMask = snapshot.capabilityMask;
        int[] modelMaxOutput = snapshot.maxOutputTokens;
        int[] contextWindow = snapshot.contextWindow;
        boolean[] zeroRetention = snapshot.zeroRetention;
        double[] inputPerToken = snapshot.inputPerToken;
        double[] outputPerToken = snapshot.outputPerToken;
        int[] statsSlot = snapshot.statsSlot;
        AtomicLongArray latencyP50 = snapshot.health.latencyP50BySlot();
        ProviderClient[] clients = snapshot.clients;
        ModelDescriptor[] descriptors = snapshot.descriptors;
        double[] catalogQuality = snapshot.qualityByCategory;
        String[] providerIds = snapshot.providers;
        boolean circuits = snapshot.health.anyCircuitRefusing(nowMillis);
        int[] feasible = w.feasible;
        double[] cost = w.cost;
        long[] latency = w.latency;
        double[] quality = w.quality;
        int nf = 0;
        int categoryOrdinal = assessment.category().ordinal();
        int qualityBase = categoryOrdinal * n;
        List<Exclusion> exclusions = new ArrayList<>();
        int degradeIdx = -1;
        double degradeViolation = Double.POSITIVE_INFINITY;
        Exclusion degradeExclusion = null;
        int budgetIdx = -1;
        String budgetName = null;
        double budgetLeft = 0;

        for (int i = 0; i < n; i++) {
            if (!configured[i]) {
                exclusions.add(entries[i].notConfigured);
                continue;
            }
            if (providerLists) {
                String provider = providerIds[providerIndex[i]];
                if (!allowP.isEmpty() && !allowP.contains(provider) || denyP.contains(provider)) {
                    exclusions.add(new Exclusion(entries[i].id, Constraint.PROVIDER_NOT_ALLOWED,
                            denyP.contains(provider) ? "provider " + provider + " is denied"
                                    : "provider " + provider + " is not in " + allowP));
                    continue;
                }
            }
            if (modelLists) {
                ModelEntry e = entries[i];
                if (!allowM.isEmpty() && !allowM.contains(e.id) && !allowM.contains(e.model)
                        || !denyM.isEmpty() && (denyM.contains(e.id) || denyM.contains(e.model))) {
                    exclusions.add(new Exclusion(e.id, Constraint.MODEL_NOT_ALLOWED,
                            !allowM.isEmpty() && !allowM.contains(e.id) && !allowM.contains(e.model)
                                    ? "model is not in " + allowM : "model is denied"));
                    continue;
                }
            }
            int missing = required & ~capabilityMask[i];
            if (missing != 0) {
                exclusions.add(new Exclusion(entries[i].id, Constraint.CAPABILITY, "lacks " + names(missing)));
                continue;
            }
            int modelMaxOut = modelMaxOutput[i];
            if (maxOutV >= 0 && maxOutV > modelMaxOut) {
                exclusions.add(new Exclusion(entries[i].id, Constraint.CONTEXT_WINDOW,
                        "max output " + maxOut + " > model's max output " + modelMaxOut));
                continue;
            }
            int out = maxOutV >= 0 ? maxOutV : Math.min(DEFAULT_EXPECTED_OUTPUT_TOKENS, modelMaxOut);
            if ((long) inputTokens + out > contextWindow[i]) {
                exclusions.add(new Exclusion(entries[i].id, Constraint.CONTEXT_WINDOW, "input " + inputTokens
                        + " + output " + out + " tokens > context window " + descriptors[i].contextWindow()));
                continue;
            }
            if (region != null && !descriptors[i].regions().contains(region)) {
                exclusions.add(new Exclusion(entries[i].id, Constraint.REGION,
                        "not served in " + region + " (regions " + descriptors[i].regions() + ")"));
                continue;
            }
            if (zdr && !zeroRetention[i]) {
                exclusions.add(new Exclusion(entries[i].id, Constraint.DATA_RETENTION,
                        "retention is " + descriptors[i].retention() + ", ZERO required"));
                continue;
            }
            if (circuits) {
                ModelEntry e = entries[i];
                if (e.providerCircuit.refusing(nowMillis) || e.modelCircuit.refusing(nowMillis)) {
                    exclusions.add(new Exclusion(e.id, Constraint.CIRCUIT_OPEN, e.providerCircuit.refusing(nowMillis)
                            ? "provider " + e.provider + " circuit is open" : "model circuit is open"));
                    continue;
                }
            }
            try {
                clients[i].validate(request, descriptors[i]);
            } catch (RuntimeException ex) {
                exclusions.add(new Exclusion(entries[i].id, Constraint.UNSUPPORTED_REQUEST,
                        String.valueOf(ex.getMessage())));
                continue;
            }
            double c = inputTokens * inputPerToken[i] + out * outputPerToken[i];
            long observed = latencyP50.get(statsSlot[i]);
            long lat = observed >= 0 ? observed : PRIOR_TTFT_NANOS + (long) (out / PRIOR_TOKENS_PER_SECOND * 1e9);
            double q = catalogScores ? catalogQuality[qualityBase + i] : predictor.predict(assessment, descriptors[i]);
            // Soft constraints: a degraded answer may violate these.
            double violation = 0;
            Exclusion soft = null;
            if (c > costCap) {
                violation += c / costCap - 1;
                soft = new Exclusion(entries[i].id, Constraint.COST_CAP, "estimated " + usd(c) + " > cap " + usd(costCap));
            }
            // Only observed latency can rule a model out; the prior only ranks models nobody has measured yet.
            if (observed >= 0 && lat > latencyBudget) {
                violation += (double) lat / latencyBudget - 1;
                if (soft == null) {
                    soft = new Exclusion(entries[i].id, Constraint.LATENCY_BUDGET, "estimated " + millis(lat) + " > budget "
                            + millis(latencyBudget));
                }
            }
            if (q < minQuality) {
                violation += (minQuality - q) / minQuality;
                if (soft == null) {
                    soft = new Exclusion(entries[i].id, Constraint.QUALITY_FLOOR, String.format(Locale.ROOT,
                            "predicted %.3f < floor %.3f", q, minQuality));
                }
            }
            int p = providerIndex[i];
            if (Double.isNaN(providerLeft[p])) {
                providerLeft[p] = ledger.providerRemaining(providerIds[p]);
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
                String name = overTenant ? "tenant:" + tenantId : "provider:" + providerIds[p];
                double left = overTenant ? tenantLeft : providerLeft[p];
                exclusions.add(new Exclusion(entries[i].id, Constraint.BUDGET, "estimated " + usd(c) + " > " + usd(left)
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
        double[] score = w.score;
        score(intent, feasible, nf, cost, latency, quality, score, w.root);
        return chain(snapshot, entries, feasible, nf, score, cost, latency, quality, w, exclusions);
    }

    /**
     * The fallback chain: the best candidate of each provider first, by score, then the next best overall, up to
     * {@link #MAX_CHAIN}. Selection by repeated scans over at most {@code MAX_CHAIN} slots: no sort of the catalog.
     */
    private static Selection chain(CatalogSnapshot snapshot, ModelEntry[] entries, int[] feasible, int nf,
                                   double[] score, double[] cost, long[] latency, double[] quality, Scratch w,
                                   List<Exclusion> exclusions) {
        int providers = snapshot.providers.length;
        int[] best = w.bestOfProvider;
        Arrays.fill(best, 0, providers, -1);
        boolean[] taken = w.taken;
        for (int k = 0; k < nf; k++) {
            taken[k] = false;
            int p = snapshot.providerIndex[feasible[k]];
            int b = best[p];
            if (b < 0 || better(score, k, b)) {
                best[p] = k;
            }
        }
        int limit = Math.min(MAX_CHAIN, nf);
        int[] order = new int[limit];
        int c = 0;
        // Best of each provider, highest score first.
        while (c < limit) {
            int pick = -1;
            for (int p = 0; p < providers; p++) {
                int k = best[p];
                if (k >= 0 && !taken[k] && (pick < 0 || better(score, k, pick))) {
                    pick = k;
                }
            }
            if (pick < 0) {
                break;
            }
            taken[pick] = true;
            order[c++] = pick;
        }
        // Then the best of the rest.
        while (c < limit) {
            int pick = -1;
            for (int k = 0; k < nf; k++) {
                if (!taken[k] && (pick < 0 || better(score, k, pick))) {
                    pick = k;
                }
            }
            taken[pick] = true;
            order[c++] = pick;
        }
        Candidate[] chain = new Candidate[limit];
        ModelEntry[] chainEntries = new ModelEntry[limit];
        for (int r = 0; r < limit; r++) {
            int k = order[r];
            chainEntries[r] = entries[feasible[k]];
            chain[r] = candidate(chainEntries[r], feasible[k], cost, latency, quality, score[k]);
        }
        return new Selection(chain, chainEntries, exclusions, null);
    }

    /** Higher score first; ties go to the lower catalog index (ids sort first). */
    private static boolean better(double[] score, int a, int b) {
        return score[a] > score[b] || score[a] == score[b] && a < b;
    }

    private static Candidate candidate(ModelEntry e, int i, double[] cost, long[] latency, double[] quality, double score) {
        return new Candidate(e.descriptor, cost[i], Duration.ofNanos(latency[i]), quality[i], score);
    }

    private static void score(Intent intent, int[] feasible, int nf, double[] cost, long[] latency, double[] quality,
                              double[] s, double[] rootLatency) {
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
                // Cost and latency span orders of magnitude: compress with a square root (one instruction, unlike a
                // logarithm), then min-max normalize over the feasible set. s[] holds the compressed cost meanwhile,
                // rootLatency[] the compressed latency (one square root per value, not two).
                double minC = Double.POSITIVE_INFINITY;
                double maxC = Double.NEGATIVE_INFINITY;
                double minL = Double.POSITIVE_INFINITY;
                double maxL = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < nf; k++) {
                    int i = feasible[k];
                    double sc = Math.sqrt(cost[i]);
                    double sl = Math.sqrt((double) latency[i]);
                    s[k] = sc;
                    rootLatency[k] = sl;
                    minC = Math.min(minC, sc);
                    maxC = Math.max(maxC, sc);
                    minL = Math.min(minL, sl);
                    maxL = Math.max(maxL, sl);
                }
                double rc = maxC - minC;
                double rl = maxL - minL;
                for (int k = 0; k < nf; k++) {
                    int i = feasible[k];
                    double cn = rc == 0 ? 0 : (s[k] - minC) / rc;
                    double ln = rl == 0 ? 0 : (rootLatency[k] - minL) / rl;
                    s[k] = 0.5 * quality[i] + 0.3 * (1 - cn) + 0.2 * (1 - ln);
                }
            }
            default -> throw new IllegalStateException("unknown objective " + intent.objective());
        }
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
