package dev.junction.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach one provider account through a plugin.
 *
 * @param providerId     the provider's id in the catalog (e.g. {@code deepseek}); model descriptors name it
 * @param pluginId       the plugin that speaks its wire protocol (e.g. {@code openai-compatible})
 * @param baseUrl        the API's base URL (e.g. {@code https://api.deepseek.com/v1})
 * @param apiKey         the key, or null for providers that need none (a local vLLM or Ollama)
 * @param headers        extra headers sent with every call (their values are treated as secrets too)
 * @param connectTimeout the TCP/TLS connect timeout
 * @param options        plugin-specific settings (e.g. {@code anthropic-version}); never secrets
 */
public record ProviderConfig(String providerId, String pluginId, URI baseUrl, Secret apiKey, Map<String, String> headers,
                             Duration connectTimeout, Map<String, String> options) {
    /** Default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public ProviderConfig {
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(baseUrl, "baseUrl");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static ProviderConfig of(String providerId, String pluginId, URI baseUrl, Secret apiKey) {
        return new ProviderConfig(providerId, pluginId, baseUrl, apiKey, Map.of(), DEFAULT_CONNECT_TIMEOUT, Map.of());
    }

    @Override
    public String toString() {
        return "ProviderConfig[providerId=" + providerId + ", pluginId=" + pluginId + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey == null ? "none" : "****") + ", headers=" + headers.keySet()
                + ", connectTimeout=" + connectTimeout + ", options=" + options + "]";
    }
}
