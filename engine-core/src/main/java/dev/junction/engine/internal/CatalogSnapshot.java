package dev.junction.engine.internal;

import dev.junction.engine.Exclusion;
import dev.junction.spi.Capability;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.TaskCategory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An immutable catalog: every model with its precomputed routing data, sorted by {@code provider/model}.
 *
 * <p>Built once per catalog change and swapped atomically; requests read it without locking. The router's static
 * per-model numbers are also laid out as parallel arrays (by catalog index) so the selection loop reads them
 * sequentially instead of chasing each entry.
 */
public final class CatalogSnapshot {
    /**
     * How many entries the arrays the vectorized selection reads have past the catalog's end (at least the lanes of a
     * vector of doubles), so that it loads whole vectors without a bounds mask.
     */
    static final int PAD = 32;

    final ModelEntry[] entries;
    final String[] providers;
    final long version;
    final Instant loadedAt;
    final Health health;
    final boolean[] configured;
    final int[] providerIndex;
    final int[] capabilityMask;
    final int[] maxOutputTokens;
    /** Output tokens expected when the request sets no cap: {@link Router#DEFAULT_EXPECTED_OUTPUT_TOKENS} or less. */
    final int[] defaultOutputTokens;
    /** The cost of {@link #defaultOutputTokens} output tokens. */
    final double[] defaultOutputCost;
    /** The latency prior for {@link #defaultOutputTokens}, in nanoseconds. */
    final long[] priorLatency;
    final int[] contextWindow;
    final boolean[] zeroRetention;
    final double[] inputPerToken;
    final double[] outputPerToken;
    /** Each model's slot in {@link Health#latencyP50BySlot()}. */
    final int[] statsSlot;
    final ProviderClient[] clients;
    final ModelDescriptor[] descriptors;
    /** Catalog quality by task category then model: {@code qualityByCategory[category * size + i]}. */
    final double[] qualityByCategory;
    private final Map<String, ModelEntry> byId;
    /** Every model, with no exclusion: for intents with allow/deny lists, which are checked before capabilities. */
    final Eligible everyModel;
    /** By mask of required capabilities, made on first use (racy but safe: the result is the same). */
    private final AtomicReferenceArray<Eligible> eligibleByMask =
            new AtomicReferenceArray<>(1 << Capability.values().length);

    /**
     * Which models a mask of required capabilities rules out (not configured, or lacking a capability), and their
     * exclusions: the same for every request with that mask, so made once.
     */
    static final class Eligible {
        /**
         * By catalog index: whether the model is ruled out, its exclusion in {@link #exclusions}; the {@link #PAD}
         * entries past the catalog's end (not in {@link #everyModel}'s) are ruled out too.
         */
        final boolean[] shared;
        /** The excluded models' catalog indices, ascending, matching {@link #exclusions}. */
        final int[] excluded;
        final List<Exclusion> exclusions;

        Eligible(boolean[] shared, int[] excluded, List<Exclusion> exclusions) {
            this.shared = shared;
            this.excluded = excluded;
            this.exclusions = exclusions;
        }
    }

    private CatalogSnapshot(ModelEntry[] entries, String[] providers, long version, Instant loadedAt, Health health) {
        this.entries = entries;
        this.providers = providers;
        this.version = version;
        this.loadedAt = loadedAt;
        this.health = health;
        this.byId = new HashMap<>();
        for (ModelEntry e : entries) {
            byId.put(e.id, e);
        }
        int n = entries.length;
        int padded = n + PAD;
        configured = new boolean[n];
        providerIndex = new int[padded];
        capabilityMask = new int[n];
        maxOutputTokens = new int[padded];
        defaultOutputTokens = new int[padded];
        priorLatency = new long[padded];
        defaultOutputCost = new double[padded];
        contextWindow = new int[padded];
        zeroRetention = new boolean[n];
        inputPerToken = new double[padded];
        outputPerToken = new double[padded];
        statsSlot = new int[padded];
        clients = new ProviderClient[n];
        descriptors = new ModelDescriptor[n];
        int categories = TaskCategory.values().length;
        qualityByCategory = new double[categories * n + PAD];
        for (int i = 0; i < n; i++) {
            ModelEntry e = entries[i];
            configured[i] = e.client != null;
            providerIndex[i] = e.providerIndex;
            capabilityMask[i] = e.capabilityMask;
            maxOutputTokens[i] = e.maxOutputTokens;
            defaultOutputTokens[i] = Math.min(Router.DEFAULT_EXPECTED_OUTPUT_TOKENS, e.maxOutputTokens);
            defaultOutputCost[i] = defaultOutputTokens[i] * e.outputPerToken;
            priorLatency[i] = Router.PRIOR_TTFT_NANOS
                    + (long) (defaultOutputTokens[i] / Router.PRIOR_TOKENS_PER_SECOND * 1e9);
            contextWindow[i] = e.contextWindow;
            zeroRetention[i] = e.zeroRetention;
            inputPerToken[i] = e.inputPerToken;
            outputPerToken[i] = e.outputPerToken;
            statsSlot[i] = e.stats.slot();
            clients[i] = e.client;
            descriptors[i] = e.descriptor;
            for (int c = 0; c < categories; c++) {
                qualityByCategory[c * n + i] = e.qualityByCategory[c];
            }
        }
        everyModel = new Eligible(new boolean[n], new int[0], List.of());
    }

    /** The models that can serve a request needing the capabilities of {@code required}, and why the others cannot. */
    Eligible eligible(int required) {
        Eligible e = eligibleByMask.getAcquire(required);
        if (e == null) {
            e = computeEligible(required);
            eligibleByMask.setRelease(required, e);
        }
        return e;
    }

    private Eligible computeEligible(int required) {
        int n = entries.length;
        boolean[] shared = new boolean[n + PAD];
        Arrays.fill(shared, n, n + PAD, true);
        int[] excluded = new int[n];
        List<Exclusion> exclusions = new ArrayList<>();
        int x = 0;
        for (int i = 0; i < n; i++) {
            ModelEntry e = entries[i];
            int missing = required & ~e.capabilityMask;
            if (!configured[i] || missing != 0) {
                shared[i] = true;
                excluded[x++] = i;
                exclusions.add(configured[i] ? e.lacking(missing) : e.notConfigured);
            }
        }
        return new Eligible(shared, Arrays.copyOf(excluded, x), List.copyOf(exclusions));
    }

    /**
     * Builds a snapshot.
     *
     * @param models  the descriptors, unique by id
     * @param clients the configured provider clients by provider id
     */
    public static CatalogSnapshot build(List<ModelDescriptor> models, Map<String, ProviderClient> clients,
                                        Health health, long version, Instant loadedAt) {
        List<ModelDescriptor> sorted = new ArrayList<>(models);
        sorted.sort(Comparator.comparing(ModelDescriptor::id));
        List<String> providers = new ArrayList<>();
        Map<String, Integer> providerIndex = new HashMap<>();
        ModelEntry[] entries = new ModelEntry[sorted.size()];
        for (int i = 0; i < entries.length; i++) {
            ModelDescriptor d = sorted.get(i);
            Integer idx = providerIndex.get(d.provider());
            if (idx == null) {
                idx = providers.size();
                providers.add(d.provider());
                providerIndex.put(d.provider(), idx);
            }
            entries[i] = new ModelEntry(d, idx, clients.get(d.provider()), health);
        }
        return new CatalogSnapshot(entries, providers.toArray(new String[0]), version, loadedAt, health);
    }

    public ModelEntry entry(String modelId) {
        return byId.get(modelId);
    }

    /** The {@code i}-th model in id order. */
    public ModelEntry get(int i) {
        return entries[i];
    }

    public int size() {
        return entries.length;
    }

    public long version() {
        return version;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public List<ModelEntry> entries() {
        return List.of(entries);
    }
}
