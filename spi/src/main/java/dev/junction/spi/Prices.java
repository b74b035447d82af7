package dev.junction.spi;

/**
 * A model's prices in US dollars per one million tokens.
 *
 * @param inputPerMillion       prompt tokens
 * @param outputPerMillion      generated tokens (reasoning tokens included)
 * @param cachedInputPerMillion prompt tokens read from the provider's prompt cache (equal to input when there is no
 *                              discount)
 */
public record Prices(double inputPerMillion, double outputPerMillion, double cachedInputPerMillion) {
    /** Free (a local model). */
    public static final Prices FREE = new Prices(0, 0, 0);

    public Prices {
        if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0) || !(cachedInputPerMillion >= 0)
                || Double.isInfinite(inputPerMillion) || Double.isInfinite(outputPerMillion)
                || Double.isInfinite(cachedInputPerMillion)) {
            throw new IllegalArgumentException("prices must be finite and >= 0, was input=" + inputPerMillion
                    + " output=" + outputPerMillion + " cachedInput=" + cachedInputPerMillion);
        }
    }
}
