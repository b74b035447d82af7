package dev.junction.engine.internal;

import dev.junction.engine.BudgetExceededException;
import dev.junction.engine.Candidate;
import dev.junction.engine.Constraint;
import dev.junction.engine.Exclusion;
import dev.junction.engine.InfeasibleIntentException;
import dev.junction.engine.Intent;
import dev.junction.engine.Objective;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.QualityPredictor;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The select stage: filters a catalog snapshot by the intent's hard constraints, estimates cost, latency and quality
 * per candidate, orders by the objective and builds a fallback chain that prefers other providers.
 *
 * <p>Thread-safe: each thread works in its own scratch arrays, grown to the largest catalog it has seen. The per-model
 * loop reads the snapshot's precomputed arrays and writes the feasible candidates' estimates into compact arrays:
 * no locks, no streams, no boxing, no allocation. Exclusions are recorded as numbers and made into {@link Exclusion}s
 * once, at the end (those of the models a capability mask rules out, once per snapshot and mask); a plugin's
 * {@link ProviderClient#validate} runs only for the candidates picked into the chain. In the common case (no lists,
 * region, retention or provider budget, no open circuit, catalog quality) the loop and the {@code BALANCED} scores run
 * on the Vector API ({@link VectorSelect}) when its module is present, with the same results; with the module, the
 * providers' best candidates are always ranked on it too.
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

    /**
     * Whether the common case of the selection loop runs on the Vector API ({@link VectorSelect}): when the
     * {@code jdk.incubator.vector} module is in the boot layer and a vector holds two doubles or more, unless
     * {@code -Djunction.vector.disable=true}.
     */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("junction.vector.disable") && VectorSelect.SUPPORTED;

    private final QualityPredictor predictor;
    private final boolean catalogScores;
    private final boolean vectorized;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    public Router(QualityPredictor predictor) {
        this(predictor, VECTOR);
    }

    /** With {@code vectorized} false, every selection takes the scalar loop (tests compare the two). */
    Router(QualityPredictor predictor, boolean vectorized) {
        this.predictor = predictor;
        this.catalogScores = predictor instanceof CatalogQualityPredictor;
        this.vectorized = vectorized && VECTOR;
    }

    /** Per-thread work arrays, grown to the catalog's size, so selection allocates only its result. */
    private static final class Scratch {
        // Feasible candidates, compact (position k), in catalog order: index, provider, estimates, score.
        int[] fIndex = new int[0];
        int[] fProvider = new int[0];
        double[] fCost = new double[0];
        /** Nanoseconds, as doubles (exact below 2^53 ns) so scoring needs no conversion. */
        double[] fLatency = new double[0];
        double[] fQuality = new double[0];
        double[] score = new double[0];
        byte[] fState = new byte[0];
        // Candidates held back by a soft constraint or a budget: only a degraded answer or a budget refusal uses them.
        int[] hIndex = new int[0];
        int[] hRecord = new int[0];
        double[] hCost = new double[0];
        long[] hLatency = new long[0];
        double[] hQuality = new double[0];
        double[] hViolation = new double[0];
        boolean[] hOverBudget = new boolean[0];
        // Exclusions as numbers, made into Exclusion objects once at the end.
        int[] xIndex = new int[0];
        byte[] xCode = new byte[0];
        int[] xAux = new int[0];
        double[] xValue = new double[0];
        double[] xLimit = new double[0];
        String[] xMessage = new String[0];
        int[] bestOfProvider = new int[0];
        double[] providerLeft = new double[0];
        /** The providers' best candidates (position, score), for {@link VectorSelect#rank}. */
        int[] headIndex = new int[0];
        double[] headScore = new double[0];
        final int[] order = new int[MAX_CHAIN];
        /** One slot past the chain: {@link VectorSelect#rank} writes the candidates ranked lower there. */
        final int[] top = new int[MAX_CHAIN + 1];
        /** The BALANCED objective's lowest and highest cost and latency. */
        final double[] extremes = new double[4];
        /** The number of exclusion records while the chain is built. */
        int nx;

        /** Models the vectorized loop leaves to the scalar code. */
        int[] flagged = new int[0];

        void ensure(int catalog, int providers) {
            // Room for the vectorized loop's whole-vector stores past the last candidate.
            int n = catalog + CatalogSnapshot.PAD;
            if (fIndex.length < n) {
                flagged = new int[n];
                fIndex = new int[n];
                fProvider = new int[n];
                fCost = new double[n];
                fLatency = new double[n];
                fQuality = new double[n];
                score = new double[n];
                fState = new byte[n];
                hIndex = new int[n];
                hRecord = new int[n];
                hCost = new double[n];
                hLatency = new long[n];
                hQuality = new double[n];
                hViolation = new double[n];
                hOverBudget = new boolean[n];
                xIndex = new int[n];
                xCode = new byte[n];
                xAux = new int[n];
                xValue = new double[n];
                xLimit = new double[n];
                xMessage = new String[n];
            }
            if (bestOfProvider.length < providers) {
                bestOfProvider = new int[providers];
                providerLeft = new double[providers];
                headIndex = new int[providers + CatalogSnapshot.PAD];
                headScore = new double[providers + CatalogSnapshot.PAD];
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

    /** The request and intent of one selection, with what the exclusion messages need. */
    private record Request(ChatRequest request, Intent intent, String tenantId, int inputTokens, int required,
                           Integer maxOut, boolean providerLists, boolean modelLists,
                           CatalogSnapshot.Eligible eligible) {
    }

    /**
     * Chooses the fallback chain for one request.
     *
     * <p>Hard constraints that a capability flag, a limit or a list decides are checked for every model; the
     * provider plugin's own {@link ProviderClient#validate} (which may parse tool schemas) runs only for the
     * candidates the router is about to use, in rank order, so a model it refuses is replaced by the next one.
     *
     * @throws InfeasibleIntentException when nothing is feasible and degrading is not allowed (or impossible)
     * @throws BudgetExceededException   when the only obstacle is a spend budget
     */
    public Selection select(CatalogSnapshot snapshot, ChatRequest request, Intent intent, String tenantId,
                            PromptAssessment assessment, int inputTokens, boolean streaming,
                            InMemoryBudgetLedger ledger, long nowMillis) {
        snapshot.health.expireStats(nowMillis);
        ModelEntry[] entries = snapshot.entries;
        int n = entries.length;
        int required = mask(intent.requiredCapabilities()) | impliedCapabilities(request, streaming);
        Integer maxOut = request.maxOutputTokens();
        double tenantLeft = ledger.tenantRemaining(tenantId);
        boolean providerCaps = ledger.anyProviderCap();
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
        long fixedPrior = maxOutV < 0 ? 0 : PRIOR_TTFT_NANOS + (long) (maxOutV / PRIOR_TOKENS_PER_SECOND * 1e9);

        Scratch w = scratch.get();
        int providers = snapshot.providers.length;
        w.ensure(n, providers);
        double[] providerLeft = w.providerLeft;
        if (providerCaps) {
            Arrays.fill(providerLeft, 0, providers, Double.NaN);
        }
        double[] defaultOutputCost = snapshot.defaultOutputCost;
        // The per-model numbers come from the snapshot's parallel arrays; an entry itself is read only to explain an
        // exclusion or for a rarely used constraint. Circuits are looked at only when one of them may be open.
        boolean[] configured = snapshot.configured;
        int[] providerIndex = snapshot.providerIndex;
        int[] capabilityMask = snapshot.capabilityMask;
        int[] modelMaxOutput = snapshot.maxOutputTokens;
        int[] defaultOutput = snapshot.defaultOutputTokens;
        long[] priorLatency = snapshot.priorLatency;
        int[] contextWindow = snapshot.contextWindow;
        double[] inputPerToken = snapshot.inputPerToken;
        double[] outputPerToken = snapshot.outputPerToken;
        int[] statsSlot = snapshot.statsSlot;
        long[] latencyP50 = snapshot.health.latencyP50BySlot();
        ModelDescriptor[] descriptors = snapshot.descriptors;
        double[] catalogQuality = snapshot.qualityByCategory;
        String[] providerIds = snapshot.providers;
        boolean circuits = snapshot.health.anyCircuitRefusing(nowMillis);
        int[] fIndex = w.fIndex;
        int[] fProvider = w.fProvider;
        double[] fCost = w.fCost;
        double[] fLatency = w.fLatency;
        double[] fQuality = w.fQuality;
        int nf = 0;
        int nh = 0;
        int qualityBase = assessment.category().ordinal() * n;

        // Allow/deny lists are checked before capabilities; without them, the models that are not configured or lack a
        // required capability are known per capability mask: the loop passes over them, their exclusions are shared.
        CatalogSnapshot.Eligible eligible = providerLists || modelLists ? snapshot.everyModel
                : snapshot.eligible(required);
        boolean[] shared = eligible.shared;
        Request r = new Request(request, intent, tenantId, inputTokens, required, maxOut, providerLists, modelLists,
                eligible);
        w.nx = 0;
        // Constraints that are rarely set are checked out of line, for every model, only when the intent sets one
        // (or a circuit may be open); the common checks are combined without short-circuits into one branch.
        boolean rare = providerLists || modelLists || region != null || zdr || circuits;
        double inputD = inputTokens;
        double maxOutD = maxOutV;
        boolean vector = vectorized && !rare && catalogScores && !providerCaps;
        boolean balanced = intent.objective() == Objective.BALANCED;
        if (vector) {
            long counts = VectorSelect.scan(snapshot, shared, n, inputTokens, maxOutV, fixedPrior, qualityBase,
                    costCap, latencyBudget, minQuality, tenantLeft, latencyP50, fIndex, w.fProvider, fCost, fLatency,
                    fQuality, w.flagged, balanced ? w.extremes : null);
            nf = (int) (counts >>> 32);
            // The models it flagged failed the context window (or max output), or a soft constraint or the tenant's
            // budget: the scalar checks record which, in catalog order.
            int[] flagged = w.flagged;
            for (int j = 0, ns = (int) counts; j < ns; j++) {
                int i = flagged[j];
                int out = maxOutV >= 0 ? maxOutV : defaultOutput[i];
                if (maxOutV > modelMaxOutput[i] || (long) inputTokens + out > contextWindow[i]) {
                    excluded(snapshot, r, w, i, out, false, nowMillis);
                    continue;
                }
                double c = inputD * inputPerToken[i] + (maxOutV >= 0 ? maxOutD * outputPerToken[i]
                        : defaultOutputCost[i]);
                long observed = latencyP50[statsSlot[i]];
                long lat = observed >= 0 ? observed : maxOutV >= 0 ? fixedPrior : priorLatency[i];
                holdBack(w, nh++, i, c, lat, catalogQuality[qualityBase + i], observed >= 0, costCap, latencyBudget,
                        minQuality, tenantLeft, Double.POSITIVE_INFINITY, providerIndex[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                int out = maxOutV >= 0 ? maxOutV : defaultOutput[i];
                boolean pass = configured[i] & (required & ~capabilityMask[i]) == 0 & maxOutV <= modelMaxOutput[i]
                        & (long) inputTokens + out <= contextWindow[i];
                if ((!pass || rare) && (shared[i] || excluded(snapshot, r, w, i, out, circuits, nowMillis))) {
                    continue;
                }
                double c = inputD * inputPerToken[i]
                        + (maxOutV >= 0 ? maxOutD * outputPerToken[i] : defaultOutputCost[i]);
                long observed = latencyP50[statsSlot[i]];
                long lat = observed >= 0 ? observed : maxOutV >= 0 ? fixedPrior : priorLatency[i];
                double q = catalogScores ? catalogQuality[qualityBase + i]
                        : quality(predictor.predict(assessment, descriptors[i]));
                int p = providerIndex[i];
                // Only observed latency can rule a model out; the prior only ranks models nobody has measured yet.
                if (c > costCap | observed >= 0 & lat > latencyBudget | q < minQuality | c > tenantLeft
                        || providerCaps && c > providerLeft(ledger, providerIds, providerLeft, p)) {
                    double left = providerCaps ? providerLeft(ledger, providerIds, providerLeft, p)
                            : Double.POSITIVE_INFINITY;
                    holdBack(w, nh++, i, c, lat, q, observed >= 0, costCap, latencyBudget, minQuality, tenantLeft, left,
                            p);
                    continue;
                }
                fIndex[nf] = i;
                fProvider[nf] = p;
                fCost[nf] = c;
                fLatency[nf] = lat;
                fQuality[nf] = q;
                nf++;
            }
            if (balanced) {
                extremes(nf, fCost, fLatency, w.extremes);
            }
        }

        double[] score = w.score;
        score(intent.objective(), nf, fCost, fLatency, fQuality, score, w.extremes, vectorized);
        int[] order = w.order;
        int chained = chain(snapshot, r, w, nf, providers, vectorized);
        int nx = w.nx;
        if (chained > 0) {
            Candidate[] chain = new Candidate[chained];
            ModelEntry[] chainEntries = new ModelEntry[chained];
            for (int c = 0; c < chained; c++) {
                int k = order[c];
                chainEntries[c] = entries[fIndex[k]];
                chain[c] = new Candidate(chainEntries[c].descriptor, fCost[k], Duration.ofNanos((long) fLatency[k]),
                        fQuality[k], score[k]);
            }
            return new Selection(chain, chainEntries, exclusions(snapshot, r, w, nx), null);
        }
        return fallback(snapshot, r, w, nh, nx);
    }

    // Exclusion codes: the Constraint ordinals, plus MAX_OUTPUT (a CONTEXT_WINDOW exclusion with its own message).
    private static final byte NOT_CONFIGURED = (byte) Constraint.PROVIDER_NOT_CONFIGURED.ordinal();
    private static final byte PROVIDER_NOT_ALLOWED = (byte) Constraint.PROVIDER_NOT_ALLOWED.ordinal();
    private static final byte MODEL_NOT_ALLOWED = (byte) Constraint.MODEL_NOT_ALLOWED.ordinal();
    private static final byte CAPABILITY = (byte) Constraint.CAPABILITY.ordinal();
    private static final byte CONTEXT_WINDOW = (byte) Constraint.CONTEXT_WINDOW.ordinal();
    private static final byte REGION = (byte) Constraint.REGION.ordinal();
    private static final byte DATA_RETENTION = (byte) Constraint.DATA_RETENTION.ordinal();
    private static final byte COST_CAP = (byte) Constraint.COST_CAP.ordinal();
    private static final byte LATENCY_BUDGET = (byte) Constraint.LATENCY_BUDGET.ordinal();
    private static final byte QUALITY_FLOOR = (byte) Constraint.QUALITY_FLOOR.ordinal();
    private static final byte CIRCUIT_OPEN = (byte) Constraint.CIRCUIT_OPEN.ordinal();
    private static final byte BUDGET = (byte) Constraint.BUDGET.ordinal();
    private static final byte UNSUPPORTED_REQUEST = (byte) Constraint.UNSUPPORTED_REQUEST.ordinal();
    private static final byte MAX_OUTPUT = (byte) Constraint.values().length;
    private static final Constraint[] CONSTRAINTS = Constraint.values();

    /** Records that model {@code i} is excluded; the Exclusion itself is made only if the selection returns. */
    private static void exclude(Scratch w, int i, byte code, int aux, double value, double limit) {
        int nx = w.nx++;
        w.xIndex[nx] = i;
        w.xCode[nx] = code;
        w.xAux[nx] = aux;
        w.xValue[nx] = value;
        w.xLimit[nx] = limit;
    }

    /**
     * A plugged-in predictor's answer, kept in [0, 1]: one that is not a number counts as 0, so that no quality floor
     * admits it and it cannot make the ranking's scores NaN.
     */
    private static double quality(double q) {
        return q >= 0 ? Math.min(q, 1) : 0;
    }

    /** What provider {@code p} has left, looked up once per selection. */
    private static double providerLeft(InMemoryBudgetLedger ledger, String[] providerIds, double[] left, int p) {
        if (Double.isNaN(left[p])) {
            left[p] = ledger.providerRemaining(providerIds[p]);
        }
        return left[p];
    }

    /**
     * The hard constraints in order, for a model that failed the combined check or when the intent sets a rarely
     * used constraint: records the first one model {@code i} fails.
     *
     * @return whether the model is excluded
     */
    private static boolean excluded(CatalogSnapshot snapshot, Request r, Scratch w, int i, int out, boolean circuits,
                                    long nowMillis) {
        ModelEntry e = snapshot.entries[i];
        Intent intent = r.intent;
        if (!snapshot.configured[i]) {
            exclude(w, i, NOT_CONFIGURED, 0, 0, 0);
            return true;
        }
        if (r.providerLists) {
            Set<String> allowP = intent.allowedProviders();
            if (!allowP.isEmpty() && !allowP.contains(e.provider) || intent.deniedProviders().contains(e.provider)) {
                exclude(w, i, PROVIDER_NOT_ALLOWED, 0, 0, 0);
                return true;
            }
        }
        if (r.modelLists) {
            Set<String> allowM = intent.allowedModels();
            Set<String> denyM = intent.deniedModels();
            if (!allowM.isEmpty() && !allowM.contains(e.id) && !allowM.contains(e.model)
                    || !denyM.isEmpty() && (denyM.contains(e.id) || denyM.contains(e.model))) {
                exclude(w, i, MODEL_NOT_ALLOWED, 0, 0, 0);
                return true;
            }
        }
        int missing = r.required & ~e.capabilityMask;
        if (missing != 0) {
            exclude(w, i, CAPABILITY, missing, 0, 0);
            return true;
        }
        if (r.maxOut != null && r.maxOut > e.maxOutputTokens) {
            exclude(w, i, MAX_OUTPUT, 0, 0, 0);
            return true;
        }
        if ((long) r.inputTokens + out > e.contextWindow) {
            exclude(w, i, CONTEXT_WINDOW, out, 0, 0);
            return true;
        }
        if (intent.region() != null && !e.descriptor.regions().contains(intent.region())) {
            exclude(w, i, REGION, 0, 0, 0);
            return true;
        }
        if (intent.zeroDataRetention() && !e.zeroRetention) {
            exclude(w, i, DATA_RETENTION, 0, 0, 0);
            return true;
        }
        boolean provider = circuits && e.providerCircuit.refusing(nowMillis);
        if (provider || circuits && e.modelCircuit.refusing(nowMillis)) {
            exclude(w, i, CIRCUIT_OPEN, provider ? 1 : 0, 0, 0);
            return true;
        }
        return false;
    }

    /**
     * Holds back a model that violates a soft constraint (a degraded answer may use it) or a budget (a budget refusal
     * names it); records its exclusion.
     */
    private static void holdBack(Scratch w, int h, int i, double c, long lat, double q, boolean observed,
                                 double costCap, long latencyBudget, double minQuality, double tenantLeft,
                                 double providerLeft, int p) {
        double violation = 0;
        byte code = -1;
        double value = 0;
        double limit = 0;
        if (c > costCap) {
            violation += c / costCap - 1;
            code = COST_CAP;
            value = c;
            limit = costCap;
        }
        if (observed && lat > latencyBudget) {
            violation += (double) lat / latencyBudget - 1;
            if (code < 0) {
                code = LATENCY_BUDGET;
                value = lat;
                limit = latencyBudget;
            }
        }
        if (q < minQuality) {
            violation += (minQuality - q) / minQuality;
            if (code < 0) {
                code = QUALITY_FLOOR;
                value = q;
                limit = minQuality;
            }
        }
        boolean overTenant = c > tenantLeft;
        boolean overProvider = c > providerLeft;
        w.hIndex[h] = i;
        w.hRecord[h] = w.nx;
        w.hCost[h] = c;
        w.hLatency[h] = lat;
        w.hQuality[h] = q;
        w.hOverBudget[h] = overTenant || overProvider;
        if (code >= 0) {
            w.hViolation[h] = violation;
            exclude(w, i, code, 0, value, limit);
            return;
        }
        // Only a budget: the tenant's (aux -1) or provider p's.
        w.hViolation[h] = Double.NaN;
        exclude(w, i, BUDGET, overTenant ? -1 : p, c, overTenant ? tenantLeft : providerLeft);
    }

    /** Asks the model's provider plugin whether it can serve the request; records the refusal. */
    private static boolean validate(CatalogSnapshot snapshot, Request r, Scratch w, int i) {
        try {
            snapshot.clients[i].validate(r.request, snapshot.descriptors[i]);
            return true;
        } catch (RuntimeException ex) {
            w.xMessage[w.nx] = String.valueOf(ex.getMessage());
            exclude(w, i, UNSUPPORTED_REQUEST, 0, 0, 0);
            return false;
        }
    }

    private static final byte OPEN = 0;
    private static final byte TAKEN = 1;
    private static final byte REFUSED = 2;

    /**
     * The fallback chain into {@code w.order}: the best candidate of each provider first, by score, then the next best
     * overall, up to {@link #MAX_CHAIN}; each is validated by its plugin as it is picked, and one it refuses is
     * replaced by the next. Repeated scans over at most {@code MAX_CHAIN} slots: no sort of the catalog.
     *
     * @return the chain's length (0 when the plugins refused every feasible candidate)
     */
    private static int chain(CatalogSnapshot snapshot, Request r, Scratch w, int nf, int providers, boolean vector) {
        double[] score = w.score;
        int[] fProvider = w.fProvider;
        int[] fIndex = w.fIndex;
        byte[] state = w.fState;
        int[] best = w.bestOfProvider;
        int[] order = w.order;
        Arrays.fill(best, 0, providers, -1);
        Arrays.fill(state, 0, nf, OPEN);
        // A provider's models sit next to each other (the catalog is sorted by provider/model), so the best of the
        // current run is kept in registers and merged into best[] when the provider changes.
        int runProvider = -1;
        int runBest = -1;
        double runScore = 0;
        for (int k = 0; k < nf; k++) {
            int p = fProvider[k];
            double sk = score[k];
            if (p == runProvider) {
                if (sk > runScore) {
                    runBest = k;
                    runScore = sk;
                }
                continue;
            }
            if (runProvider >= 0) {
                mergeBest(best, score, runProvider, runBest);
            }
            runProvider = p;
            runBest = k;
            runScore = sk;
        }
        if (runProvider >= 0) {
            mergeBest(best, score, runProvider, runBest);
        }
        int c = 0;
        int[] top = w.top;
        // Best of each provider, highest score first (ties: lower catalog index): the top MAX_CHAIN of the providers'
        // bests, ranked by comparing every pair a vector at a time (no branch to mispredict) or inserted one by one,
        // then validated in that order. A refusal brings in the provider's next best, so from there the remaining
        // picks rescan the providers' bests.
        int nt = vector ? VectorSelect.rank(best, providers, score, w.headIndex, w.headScore, top) : -1;
        if (nt < 0) {
            nt = 0;
            for (int p = 0; p < providers; p++) {
                if (best[p] >= 0) {
                    nt = offer(top, nt, score, best[p]);
                }
            }
        }
        int t = 0;
        while (t < nt && c < MAX_CHAIN) {
            int pick = top[t++];
            int p = fProvider[pick];
            if (!validate(snapshot, r, w, fIndex[pick])) {
                state[pick] = REFUSED;
                best[p] = bestOpen(score, state, fProvider, nf, p);
                c = rescanProviders(snapshot, w, r, nf, providers, c);
                break;
            }
            state[pick] = TAKEN;
            order[c++] = pick;
            best[p] = -1;
        }
        // Then the best of the rest: the top slots left in one pass, validated in order; a refusal rescans.
        while (c < MAX_CHAIN) {
            nt = 0;
            for (int k = 0; k < nf; k++) {
                if (state[k] == OPEN) {
                    nt = offer(top, nt, score, k, MAX_CHAIN - c);
                }
            }
            if (nt == 0) {
                break;
            }
            for (t = 0; t < nt; t++) {
                int pick = top[t];
                if (validate(snapshot, r, w, fIndex[pick])) {
                    state[pick] = TAKEN;
                    order[c++] = pick;
                } else {
                    state[pick] = REFUSED;
                    break;
                }
            }
        }
        return c;
    }

    /** Picks providers' bests one at a time, highest score first, after a plugin refused one of them. */
    private static int rescanProviders(CatalogSnapshot snapshot, Scratch w, Request r, int nf, int providers, int c) {
        double[] score = w.score;
        int[] best = w.bestOfProvider;
        int[] fProvider = w.fProvider;
        byte[] state = w.fState;
        while (c < MAX_CHAIN) {
            int pick = -1;
            for (int p = 0; p < providers; p++) {
                int k = best[p];
                if (k >= 0 && (pick < 0 || better(score, k, pick))) {
                    pick = k;
                }
            }
            if (pick < 0) {
                break;
            }
            int p = fProvider[pick];
            if (validate(snapshot, r, w, w.fIndex[pick])) {
                state[pick] = TAKEN;
                w.order[c++] = pick;
                best[p] = -1;
            } else {
                state[pick] = REFUSED;
                best[p] = bestOpen(score, state, fProvider, nf, p);
            }
        }
        return c;
    }

    private static int offer(int[] top, int nt, double[] score, int k) {
        return offer(top, nt, score, k, MAX_CHAIN);
    }

    /**
     * Inserts position {@code k} into {@code top[0..nt)}, kept in rank order and at most {@code limit} long.
     *
     * @return the new length
     */
    private static int offer(int[] top, int nt, double[] score, int k, int limit) {
        if (nt == limit && !better(score, k, top[nt - 1])) {
            return nt;
        }
        int j = nt == limit ? nt - 1 : nt;
        while (j > 0 && better(score, k, top[j - 1])) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = k;
        return nt == limit ? nt : nt + 1;
    }

    /** Keeps position {@code k} as provider {@code p}'s best unless an earlier run of the provider scored higher. */
    private static void mergeBest(int[] best, double[] score, int p, int k) {
        int b = best[p];
        if (b < 0 || score[k] > score[b]) {
            best[p] = k;
        }
    }

    /** The open candidate with the highest score, of provider {@code p} (or any when negative); -1 when none. */
    private static int bestOpen(double[] score, byte[] state, int[] fProvider, int nf, int p) {
        int pick = -1;
        for (int k = 0; k < nf; k++) {
            if (state[k] == OPEN && (p < 0 || fProvider[k] == p) && (pick < 0 || score[k] > score[pick])) {
                pick = k;
            }
        }
        return pick;
    }

    /**
     * Nothing feasible (or every feasible candidate refused by its plugin): the closest candidate when the intent
     * allows degrading, else a budget refusal when a budget is the only obstacle, else the full explanation. Every
     * held-back candidate is validated here first, so a refused one is reported as such and never chosen.
     */
    private Selection fallback(CatalogSnapshot snapshot, Request r, Scratch w, int nh, int nx) {
        int degrade = -1;
        int budget = -1;
        for (int h = 0; h < nh; h++) {
            int i = w.hIndex[h];
            try {
                snapshot.clients[i].validate(r.request, snapshot.descriptors[i]);
            } catch (RuntimeException ex) {
                int x = w.hRecord[h];
                w.xCode[x] = UNSUPPORTED_REQUEST;
                w.xMessage[x] = String.valueOf(ex.getMessage());
                continue;
            }
            if (Double.isNaN(w.hViolation[h])) {
                if (budget < 0 || w.hCost[h] < w.hCost[budget]) {
                    budget = h;
                }
            } else if (!w.hOverBudget[h] && (degrade < 0 || w.hViolation[h] < w.hViolation[degrade])) {
                degrade = h;
            }
        }
        List<Exclusion> exclusions = exclusions(snapshot, r, w, nx);
        if (r.intent.allowDegrade() && degrade >= 0) {
            ModelEntry e = snapshot.entries[w.hIndex[degrade]];
            Candidate chosen = new Candidate(e.descriptor, w.hCost[degrade], Duration.ofNanos(w.hLatency[degrade]),
                    w.hQuality[degrade], 0);
            Exclusion violated = null;
            for (Exclusion x : exclusions) {
                if (x.modelId().equals(e.id)) {
                    violated = x;
                    break;
                }
            }
            return new Selection(new Candidate[]{chosen}, new ModelEntry[]{e}, exclusions, violated);
        }
        if (budget >= 0 && degrade < 0) {
            int x = w.hRecord[budget];
            throw new BudgetExceededException(budgetName(snapshot, r, w.xAux[x]), w.xLimit[x], w.hCost[budget]);
        }
        throw new InfeasibleIntentException(exclusions);
    }

    private static String budgetName(CatalogSnapshot snapshot, Request r, int aux) {
        return aux < 0 ? "tenant:" + r.tenantId : "provider:" + snapshot.providers[aux];
    }

    /** The capability mask's shared exclusions and the recorded ones, as {@link Exclusion}s in catalog order. */
    private static List<Exclusion> exclusions(CatalogSnapshot snapshot, Request r, Scratch w, int nx) {
        CatalogSnapshot.Eligible eligible = r.eligible;
        if (nx == 0) {
            return eligible.exclusions;
        }
        int[] idx = w.xIndex;
        // Records are in catalog order except plugin refusals, appended while the chain was built: sort (insertion
        // sort, as they are nearly sorted) a permutation by catalog index.
        int[] perm = new int[nx];
        for (int a = 0; a < nx; a++) {
            int v = a;
            int b = a - 1;
            while (b >= 0 && idx[perm[b]] > idx[v]) {
                perm[b + 1] = perm[b];
                b--;
            }
            perm[b + 1] = v;
        }
        // Then merge them with the skipped models' exclusions (a model is in one or the other).
        List<Exclusion> fixed = eligible.exclusions;
        int[] fixedIndex = eligible.excluded;
        int nfixed = fixedIndex.length;
        Exclusion[] out = new Exclusion[nfixed + nx];
        int a = 0;
        int b = 0;
        for (int o = 0; o < out.length; o++) {
            out[o] = b == nx || a < nfixed && fixedIndex[a] < idx[perm[b]] ? fixed.get(a++)
                    : exclusion(snapshot, r, w, perm[b++]);
        }
        return Arrays.asList(out);
    }

    private static Exclusion exclusion(CatalogSnapshot snapshot, Request r, Scratch w, int x) {
        int i = w.xIndex[x];
        int code = w.xCode[x];
        ModelEntry e = snapshot.entries[i];
        if (code == NOT_CONFIGURED) {
            return e.notConfigured;
        }
        Intent intent = r.intent;
        String detail;
        if (code == PROVIDER_NOT_ALLOWED) {
            detail = intent.deniedProviders().contains(e.provider) ? "provider " + e.provider + " is denied"
                    : "provider " + e.provider + " is not in " + intent.allowedProviders();
        } else if (code == MODEL_NOT_ALLOWED) {
            Set<String> allowM = intent.allowedModels();
            detail = !allowM.isEmpty() && !allowM.contains(e.id) && !allowM.contains(e.model)
                    ? "model is not in " + allowM : "model is denied";
        } else if (code == CAPABILITY) {
            return e.lacking(w.xAux[x]);
        } else if (code == MAX_OUTPUT) {
            detail = "max output " + r.maxOut + " > model's max output " + e.maxOutputTokens;
            code = CONTEXT_WINDOW;
        } else if (code == CONTEXT_WINDOW) {
            detail = "input " + r.inputTokens + " + output " + w.xAux[x] + " tokens > context window "
                    + e.contextWindow;
        } else if (code == REGION) {
            detail = "not served in " + intent.region() + " (regions " + e.descriptor.regions() + ")";
        } else if (code == DATA_RETENTION) {
            detail = "retention is " + e.descriptor.retention() + ", ZERO required";
        } else if (code == CIRCUIT_OPEN) {
            detail = w.xAux[x] == 1 ? "provider " + e.provider + " circuit is open" : "model circuit is open";
        } else if (code == COST_CAP) {
            detail = "estimated " + usd(w.xValue[x]) + " > cap " + usd(w.xLimit[x]);
        } else if (code == LATENCY_BUDGET) {
            // The estimate rounded up, the budget down: a latency a fraction of a millisecond over is not shown as equal.
            detail = "estimated " + Math.ceilDiv((long) w.xValue[x], 1_000_000L) + " ms > budget "
                    + millis((long) w.xLimit[x]);
        } else if (code == QUALITY_FLOOR) {
            detail = String.format(Locale.ROOT, "predicted %.3f < floor %.3f", w.xValue[x], w.xLimit[x]);
        } else if (code == BUDGET) {
            detail = "estimated " + usd(w.xValue[x]) + " > " + usd(w.xLimit[x]) + " left in "
                    + budgetName(snapshot, r, w.xAux[x]);
        } else {
            detail = w.xMessage[x];
        }
        return new Exclusion(e.id, CONSTRAINTS[code], detail);
    }

    /** Higher score first; ties go to the lower position (catalog order: ids sort first). */
    private static boolean better(double[] score, int a, int b) {
        return score[a] > score[b] || score[a] == score[b] && a < b;
    }

    /**
     * Scores the {@code nf} feasible candidates; higher is better. {@code BALANCED} reads the candidates' lowest and
     * highest cost and latency from {@code extremes}.
     */
    private static void score(Objective objective, int nf, double[] cost, double[] latency, double[] quality,
                              double[] s, double[] extremes, boolean vector) {
        switch (objective) {
            case CHEAPEST -> {
                for (int k = 0; k < nf; k++) {
                    s[k] = -cost[k] * 1e6 + quality[k] * 1e-6;
                }
            }
            case FASTEST -> {
                for (int k = 0; k < nf; k++) {
                    s[k] = -latency[k] / 1e6;
                }
            }
            case BEST_QUALITY -> {
                for (int k = 0; k < nf; k++) {
                    s[k] = quality[k] - cost[k] * 1e-6;
                }
            }
            case BALANCED -> {
                // Cost and latency span orders of magnitude: compress with a square root (one instruction, unlike a
                // logarithm), then min-max normalize over the feasible set. The square root is monotone, so the
                // extremes are found on the raw values (by the selection loop) and each value needs only its own
                // square root, taken in single precision (seven digits are plenty to rank by; it takes half the time).
                double rootMinC = root(extremes[0]);
                double rootMinL = root(extremes[2]);
                double rc = root(extremes[1]) - rootMinC;
                double rl = root(extremes[3]) - rootMinL;
                double invC = rc == 0 ? 0 : 1 / rc;
                double invL = rl == 0 ? 0 : 1 / rl;
                if (vector) {
                    VectorSelect.balanced(nf, cost, latency, quality, s, rootMinC, invC, rootMinL, invL);
                    return;
                }
                for (int k = 0; k < nf; k++) {
                    s[k] = 0.5 * quality[k] + 0.3 * (1 - (root(cost[k]) - rootMinC) * invC)
                            + 0.2 * (1 - (root(latency[k]) - rootMinL) * invL);
                }
            }
            default -> throw new IllegalStateException("unknown objective " + objective);
        }
    }

    /**
     * The square root of {@code x} in single precision: {@code x} rounded to a float, then that float's correctly
     * rounded square root (a double square root rounded to a float is exactly that). {@link VectorSelect} takes the
     * same one.
     */
    static double root(double x) {
        return (float) Math.sqrt((float) x);
    }

    /**
     * The lowest and highest of {@code cost[0, nf)} and of {@code latency[0, nf)} into {@code extremes} (compare and
     * branch, rarely taken, instead of Math.min's branch-free chain).
     */
    private static void extremes(int nf, double[] cost, double[] latency, double[] extremes) {
        double minC = Double.POSITIVE_INFINITY;
        double maxC = Double.NEGATIVE_INFINITY;
        double minL = Double.POSITIVE_INFINITY;
        double maxL = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < nf; k++) {
            double c = cost[k];
            double l = latency[k];
            if (c < minC) {
                minC = c;
            }
            if (c > maxC) {
                maxC = c;
            }
            if (l < minL) {
                minL = l;
            }
            if (l > maxL) {
                maxL = l;
            }
        }
        extremes[0] = minC;
        extremes[1] = maxC;
        extremes[2] = minL;
        extremes[3] = maxL;
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
