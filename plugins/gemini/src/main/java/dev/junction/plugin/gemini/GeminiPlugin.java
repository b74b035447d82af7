package dev.junction.plugin.gemini;

import dev.junction.plugin.gemini.internal.GeminiClient;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ProviderPreset;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Speaks the Gemini API: {@code POST {baseUrl}/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}, authenticated with the {@code x-goog-api-key} header.
 *
 * <p>JSON Schemas (tool parameters and {@code responseSchema}) are translated to Gemini's OpenAPI-subset schema;
 * keywords it cannot express ({@code $ref}, {@code oneOf}, {@code allOf}, ...) make {@code validate} refuse the
 * request. Image inputs must be inline: Gemini does not fetch arbitrary image URLs. Thread-safe and cheap to
 * instantiate.
 */
public final class GeminiPlugin implements ProviderPlugin {
    /** The plugin id. */
    public static final String ID = "gemini";

    private static final List<ProviderPreset> PRESETS = List.of(
            new ProviderPreset("gemini", URI.create("https://generativelanguage.googleapis.com/v1beta"), "GEMINI_API_KEY",
                    Map.of()));

    /** Creates the plugin; {@link java.util.ServiceLoader} calls this. */
    public GeminiPlugin() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<ProviderPreset> presets() {
        return PRESETS;
    }

    @Override
    public ProviderClient create(ProviderConfig config) {
        if (!ID.equals(config.pluginId())) {
            throw new IllegalArgumentException("config is for plugin " + config.pluginId() + ", not " + ID);
        }
        return new GeminiClient(config, Clock.systemUTC());
    }

    @Override
    public String toString() {
        return "GeminiPlugin[" + ID + "]";
    }
}
