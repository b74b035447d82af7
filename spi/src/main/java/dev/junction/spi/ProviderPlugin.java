package dev.junction.spi;

import java.util.List;

/**
 * A wire protocol Junction can speak, found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations are registered with {@code provides dev.junction.spi.ProviderPlugin with ...} in
 * {@code module-info.java} and in {@code META-INF/services/dev.junction.spi.ProviderPlugin}. They must be cheap to
 * instantiate and thread-safe.
 */
public interface ProviderPlugin {

    /** The plugin's unique id, e.g. {@code openai-compatible}, {@code anthropic}, {@code gemini}. */
    String id();

    /** The providers this plugin knows how to reach out of the box. */
    List<ProviderPreset> presets();

    /** Creates a client for one provider account. */
    ProviderClient create(ProviderConfig config);
}
