package dev.junction.spi;

/**
 * Sampling settings; each is null when the caller left it to the provider's default.
 */
public record SamplingParameters(Double temperature, Double topP, Integer topK, Long seed,
                                 Double presencePenalty, Double frequencyPenalty) {
    /** No sampling setting: every value is the provider's default. */
    public static final SamplingParameters DEFAULTS = new SamplingParameters(null, null, null, null, null, null);

    public SamplingParameters {
        if (temperature != null && (temperature < 0 || temperature > 2 || temperature.isNaN())) {
            throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1 || topP.isNaN())) {
            throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        }
        if (topK != null && topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, was " + topK);
        }
    }

    public static SamplingParameters temperature(double temperature) {
        return new SamplingParameters(temperature, null, null, null, null, null);
    }
}
