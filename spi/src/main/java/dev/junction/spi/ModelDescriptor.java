package dev.junction.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The static facts about one model at one provider: limits, prices, capabilities, policy and quality.
 *
 * @param provider        the provider id (e.g. {@code anthropic}); a configured {@link ProviderClient} serves it
 * @param model           the provider's model id (e.g. {@code claude-sonnet-4-5})
 * @param contextWindow   the largest prompt plus output, in tokens
 * @param maxOutputTokens the largest output, in tokens
 * @param prices          prices per one million tokens
 * @param capabilities    what it can do
 * @param regions         where it is served (e.g. {@code us}, {@code eu}); empty when not published
 * @param retention       the provider's data-retention policy for it
 * @param quality         quality scores in [0, 1] per task category, from public benchmarks; may be partial
 */
public record ModelDescriptor(String provider, String model, int contextWindow, int maxOutputTokens, Prices prices,
                              Set<Capability> capabilities, Set<String> regions, DataRetention retention,
                              Map<TaskCategory, Double> quality) {
    public ModelDescriptor {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prices, "prices");
        if (contextWindow < 1) {
            throw new IllegalArgumentException(provider + "/" + model + ": contextWindow must be >= 1, was " + contextWindow);
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException(provider + "/" + model + ": maxOutputTokens must be >= 1, was " + maxOutputTokens);
        }
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
        regions = regions == null ? Set.of() : Set.copyOf(regions);
        retention = retention == null ? DataRetention.UNKNOWN : retention;
        quality = quality == null ? Map.of() : Map.copyOf(quality);
        for (Map.Entry<TaskCategory, Double> e : quality.entrySet()) {
            double q = e.getValue();
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException(provider + "/" + model + ": quality for " + e.getKey()
                        + " must be in [0, 1], was " + q);
            }
        }
    }

    /** {@code provider/model}, the id the router and the HTTP front end use. */
    public String id() {
        return provider + "/" + model;
    }

    public boolean supports(Capability capability) {
        return capabilities.contains(capability);
    }
}
