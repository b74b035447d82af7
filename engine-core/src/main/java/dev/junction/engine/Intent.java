package dev.junction.engine;

import dev.junction.spi.Capability;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the caller wants from one request, instead of a model name: a cost cap, a latency budget, a quality floor,
 * an objective and hard constraints.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} or start from {@link #DEFAULT}.
 *
 * @param maxCostUsd                 the most one request may cost, in US dollars ({@link #DEFAULT_MAX_COST_USD})
 * @param latencyBudget              the whole request's deadline, retries and fail-overs included
 *                                   ({@link #DEFAULT_LATENCY_BUDGET})
 * @param timeToFirstTokenBudget     for streams, the deadline for the first token, or null
 * @param minQuality                 the lowest acceptable predicted quality in [0, 1] ({@link #DEFAULT_MIN_QUALITY})
 * @param objective                  what to optimize among feasible models ({@link #DEFAULT_OBJECTIVE})
 * @param requiredCapabilities       capabilities the model must have, on top of what the request itself needs
 * @param allowedProviders           if not empty, only these providers
 * @param deniedProviders            never these providers
 * @param allowedModels              if not empty, only these models ({@code provider/model} or bare model id); one
 *                                   entry pins the model
 * @param deniedModels               never these models
 * @param region                     the region the model must be served in, or null for any
 * @param zeroDataRetention          whether only zero-data-retention models may be used
 * @param allowDegrade               whether, when nothing is feasible, the closest candidate may be used anyway
 *                                   (the violated constraint is reported)
 * @param cachePolicy                how the cache may be used
 * @param hedgeAfter                 start the next candidate too when the first has not answered after this delay;
 *                                   {@link Duration#ZERO} means "after the candidate's observed p95": of its time to
 *                                   first token for a stream, of its whole latency for a complete call (before any
 *                                   observation, the router's estimate); null means no hedging
 */
public record Intent(double maxCostUsd, Duration latencyBudget, Duration timeToFirstTokenBudget, double minQuality,
                     Objective objective, Set<Capability> requiredCapabilities, Set<String> allowedProviders,
                     Set<String> deniedProviders, Set<String> allowedModels, Set<String> deniedModels, String region,
                     boolean zeroDataRetention, boolean allowDegrade, CachePolicy cachePolicy, Duration hedgeAfter) {

    /**
     * The longest latency budget or hedge delay an intent may state: 100 years, the bound of a cache TTL. Longer ones
     * overflow the engine's nanosecond deadlines.
     */
    public static final Duration MAX_DURATION = CachePolicy.MAX_TTL;

    /** Default cost cap: 1 US dollar per request. */
    public static final double DEFAULT_MAX_COST_USD = 1.0;
    /** Default latency budget: 60 seconds. */
    public static final Duration DEFAULT_LATENCY_BUDGET = Duration.ofSeconds(60);
    /** Default quality floor: 0 (any model). */
    public static final double DEFAULT_MIN_QUALITY = 0.0;
    /** Default objective: balanced. */
    public static final Objective DEFAULT_OBJECTIVE = Objective.BALANCED;
    /** All defaults: balanced, $1 cap, 60 s budget, no floor, semantic cache, no hedging. */
    public static final Intent DEFAULT = builder().build();

    public Intent {
        if (!(maxCostUsd > 0) || Double.isNaN(maxCostUsd)) {
            throw new IllegalArgumentException("maxCostUsd must be > 0, was " + maxCostUsd);
        }
        Objects.requireNonNull(latencyBudget, "latencyBudget");
        if (latencyBudget.isNegative() || latencyBudget.isZero() || latencyBudget.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("latencyBudget must be positive and at most " + MAX_DURATION.toDays()
                    + " days, was " + latencyBudget);
        }
        if (timeToFirstTokenBudget != null
                && (timeToFirstTokenBudget.isNegative() || timeToFirstTokenBudget.isZero()
                || timeToFirstTokenBudget.compareTo(latencyBudget) > 0)) {
            throw new IllegalArgumentException("timeToFirstTokenBudget must be positive and at most the latency budget "
                    + latencyBudget + ", was " + timeToFirstTokenBudget);
        }
        if (!(minQuality >= 0 && minQuality <= 1)) {
            throw new IllegalArgumentException("minQuality must be in [0, 1], was " + minQuality);
        }
        Objects.requireNonNull(objective, "objective");
        requiredCapabilities = requiredCapabilities == null || requiredCapabilities.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(requiredCapabilities));
        allowedProviders = allowedProviders == null ? Set.of() : Set.copyOf(allowedProviders);
        deniedProviders = deniedProviders == null ? Set.of() : Set.copyOf(deniedProviders);
        allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
        deniedModels = deniedModels == null ? Set.of() : Set.copyOf(deniedModels);
        cachePolicy = cachePolicy == null ? CachePolicy.SEMANTIC : cachePolicy;
        if (hedgeAfter != null && (hedgeAfter.isNegative() || hedgeAfter.compareTo(MAX_DURATION) > 0)) {
            throw new IllegalArgumentException("hedgeAfter must be >= 0 and at most " + MAX_DURATION.toDays()
                    + " days, was " + hedgeAfter);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this intent's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxCostUsd = maxCostUsd;
        b.latencyBudget = latencyBudget;
        b.timeToFirstTokenBudget = timeToFirstTokenBudget;
        b.minQuality = minQuality;
        b.objective = objective;
        b.requiredCapabilities = requiredCapabilities;
        b.allowedProviders = allowedProviders;
        b.deniedProviders = deniedProviders;
        b.allowedModels = allowedModels;
        b.deniedModels = deniedModels;
        b.region = region;
        b.zeroDataRetention = zeroDataRetention;
        b.allowDegrade = allowDegrade;
        b.cachePolicy = cachePolicy;
        b.hedgeAfter = hedgeAfter;
        return b;
    }

    /** Builds an {@link Intent}; {@link #build()} validates and names any bad value. Not thread-safe. */
    public static final class Builder {
        private double maxCostUsd = DEFAULT_MAX_COST_USD;
        private Duration latencyBudget = DEFAULT_LATENCY_BUDGET;
        private Duration timeToFirstTokenBudget;
        private double minQuality = DEFAULT_MIN_QUALITY;
        private Objective objective = DEFAULT_OBJECTIVE;
        private Set<Capability> requiredCapabilities = Set.of();
        private Set<String> allowedProviders = Set.of();
        private Set<String> deniedProviders = Set.of();
        private Set<String> allowedModels = Set.of();
        private Set<String> deniedModels = Set.of();
        private String region;
        private boolean zeroDataRetention;
        private boolean allowDegrade;
        private CachePolicy cachePolicy = CachePolicy.SEMANTIC;
        private Duration hedgeAfter;

        private Builder() {
        }

        public Builder maxCostUsd(double maxCostUsd) {
            this.maxCostUsd = maxCostUsd;
            return this;
        }

        public Builder latencyBudget(Duration latencyBudget) {
            this.latencyBudget = latencyBudget;
            return this;
        }

        public Builder timeToFirstTokenBudget(Duration timeToFirstTokenBudget) {
            this.timeToFirstTokenBudget = timeToFirstTokenBudget;
            return this;
        }

        public Builder minQuality(double minQuality) {
            this.minQuality = minQuality;
            return this;
        }

        public Builder objective(Objective objective) {
            this.objective = objective;
            return this;
        }

        public Builder require(Capability... capabilities) {
            EnumSet<Capability> set = requiredCapabilities.isEmpty() ? EnumSet.noneOf(Capability.class)
                    : EnumSet.copyOf(requiredCapabilities);
            set.addAll(Arrays.asList(capabilities)); // Set.of refuses a repeated capability
            this.requiredCapabilities = set;
            return this;
        }

        public Builder allowProviders(Set<String> providers) {
            this.allowedProviders = providers;
            return this;
        }

        public Builder denyProviders(Set<String> providers) {
            this.deniedProviders = providers;
            return this;
        }

        public Builder allowModels(Set<String> models) {
            this.allowedModels = models;
            return this;
        }

        /** Pins one model ({@code provider/model} or a bare model id). */
        public Builder pinModel(String model) {
            this.allowedModels = Set.of(model);
            return this;
        }

        public Builder denyModels(Set<String> models) {
            this.deniedModels = models;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder zeroDataRetention(boolean zeroDataRetention) {
            this.zeroDataRetention = zeroDataRetention;
            return this;
        }

        public Builder allowDegrade(boolean allowDegrade) {
            this.allowDegrade = allowDegrade;
            return this;
        }

        public Builder cachePolicy(CachePolicy cachePolicy) {
            this.cachePolicy = cachePolicy;
            return this;
        }

        /**
         * Hedge after a fixed delay; {@link Duration#ZERO} means after the candidate's observed p95 (time to first token
         * for a stream, whole latency for a complete call).
         */
        public Builder hedgeAfter(Duration hedgeAfter) {
            this.hedgeAfter = hedgeAfter;
            return this;
        }

        public Intent build() {
            return new Intent(maxCostUsd, latencyBudget, timeToFirstTokenBudget, minQuality, objective,
                    requiredCapabilities, allowedProviders, deniedProviders, allowedModels, deniedModels, region,
                    zeroDataRetention, allowDegrade, cachePolicy, hedgeAfter);
        }
    }
}
