package dev.junction.plugin.anthropic;

import dev.junction.plugin.anthropic.internal.AnthropicClient;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ProviderPreset;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Speaks Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}).
 *
 * <p>Options: {@value #OPTION_VERSION} (the {@code anthropic-version} header, default
 * {@value AnthropicClient#DEFAULT_VERSION}), {@value #OPTION_BETA} (an {@code anthropic-beta} header, none by
 * default) and {@value #OPTION_DEFAULT_MAX_TOKENS} (the {@code max_tokens} sent when a request sets no cap, which
 * Anthropic requires; default {@value AnthropicClient#DEFAULT_MAX_TOKENS}).
 *
 * <p>JSON-schema output is sent as one forced tool whose input schema is the requested schema; its input comes back
 * as the answer's text. Thread-safe and cheap to instantiate.
 */
public final class AnthropicPlugin implements ProviderPlugin {
    /** The plugin id. */
    public static final String ID = "anthropic";
    /** The {@code anthropic-version} header value. */
    public static final String OPTION_VERSION = AnthropicClient.OPTION_VERSION;
    /** An {@code anthropic-beta} header value. */
    public static final String OPTION_BETA = AnthropicClient.OPTION_BETA;
    /** The output cap sent when a request has none. */
    public static final String OPTION_DEFAULT_MAX_TOKENS = AnthropicClient.OPTION_DEFAULT_MAX_TOKENS;

    private static final List<ProviderPreset> PRESETS = List.of(
            new ProviderPreset("anthropic", URI.create("https://api.anthropic.com"), "ANTHROPIC_API_KEY",
                    Map.of(OPTION_VERSION, AnthropicClient.DEFAULT_VERSION)));

    /** Creates the plugin; {@link java.util.ServiceLoader} calls this. */
    public AnthropicPlugin() {
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
        return new AnthropicClient(config, Clock.systemUTC());
    }

    @Override
    public String toString() {
        return "AnthropicPlugin[" + ID + "]";
    }
}
