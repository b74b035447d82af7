package dev.junction.spi;

/**
 * Token counts a provider reported for one call.
 *
 * @param inputTokens           prompt tokens, including cached ones
 * @param outputTokens          generated tokens, including reasoning ones
 * @param cachedInputTokens     prompt tokens read from the provider's prompt cache (billed at the cached price)
 * @param cacheWriteInputTokens prompt tokens written to the provider's prompt cache (Anthropic), else 0
 * @param reasoningTokens       generated tokens spent on hidden reasoning
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long cacheWriteInputTokens,
                    long reasoningTokens) {
    /** No tokens. */
    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || cacheWriteInputTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, was " + inputTokens + "/" + outputTokens + "/"
                    + cachedInputTokens + "/" + cacheWriteInputTokens + "/" + reasoningTokens);
        }
    }

    public static Usage of(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
