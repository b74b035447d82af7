package dev.junction.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A known provider that a plugin can reach, enabled when its key's environment variable is set.
 *
 * @param providerId the provider's catalog id (e.g. {@code groq})
 * @param baseUrl    its API base URL
 * @param apiKeyEnv  the environment variable holding its key (e.g. {@code GROQ_API_KEY}), or null if none is needed
 * @param options    plugin-specific settings for this provider
 */
public record ProviderPreset(String providerId, URI baseUrl, String apiKeyEnv, Map<String, String> options) {
    public ProviderPreset {
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(baseUrl, "baseUrl");
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
