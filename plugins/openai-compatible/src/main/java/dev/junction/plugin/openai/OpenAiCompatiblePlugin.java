package dev.junction.plugin.openai;

import dev.junction.plugin.openai.internal.OpenAiClient;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ProviderPreset;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Speaks the OpenAI Chat Completions protocol ({@code POST {baseUrl}/chat/completions}) for OpenAI and the many
 * providers that copy it.
 *
 * <p>Options a {@link ProviderConfig} or preset may set:
 * <ul>
 *   <li>{@value #OPTION_MAX_TOKENS_FIELD}: {@code max_completion_tokens} (OpenAI, Groq; the default) or
 *       {@code max_tokens} (most compatible servers);</li>
 *   <li>{@value #OPTION_STREAM_USAGE}: {@code true} (default) sends {@code stream_options.include_usage};
 *       {@code false} for servers that reject it (usage is still read when they send it);</li>
 *   <li>{@code idempotency-header}: the header that carries the call's idempotency key, for providers that accept
 *       one.</li>
 * </ul>
 *
 * <p>Thread-safe and cheap to instantiate; each {@link #create} makes one client with its own HTTP connection pool.
 */
public final class OpenAiCompatiblePlugin implements ProviderPlugin {
    /** The plugin id. */
    public static final String ID = "openai-compatible";
    /** Which request field carries the output-token cap. */
    public static final String OPTION_MAX_TOKENS_FIELD = OpenAiClient.OPTION_MAX_TOKENS_FIELD;
    /** Whether streams ask for a final usage chunk. */
    public static final String OPTION_STREAM_USAGE = OpenAiClient.OPTION_STREAM_USAGE;

    private static final Map<String, String> MAX_TOKENS = Map.of(OPTION_MAX_TOKENS_FIELD, "max_tokens");

    private static final List<ProviderPreset> PRESETS = List.of(
            new ProviderPreset("openai", URI.create("https://api.openai.com/v1"), "OPENAI_API_KEY",
                    Map.of(OPTION_MAX_TOKENS_FIELD, "max_completion_tokens", "idempotency-header", "Idempotency-Key")),
            new ProviderPreset("deepseek", URI.create("https://api.deepseek.com/v1"), "DEEPSEEK_API_KEY", MAX_TOKENS),
            new ProviderPreset("mistral", URI.create("https://api.mistral.ai/v1"), "MISTRAL_API_KEY",
                    Map.of(OPTION_MAX_TOKENS_FIELD, "max_tokens", OPTION_STREAM_USAGE, "false")),
            new ProviderPreset("qwen", URI.create("https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
                    "DASHSCOPE_API_KEY", MAX_TOKENS),
            new ProviderPreset("groq", URI.create("https://api.groq.com/openai/v1"), "GROQ_API_KEY",
                    Map.of(OPTION_MAX_TOKENS_FIELD, "max_completion_tokens")),
            new ProviderPreset("together", URI.create("https://api.together.xyz/v1"), "TOGETHER_API_KEY", MAX_TOKENS),
            new ProviderPreset("openrouter", URI.create("https://openrouter.ai/api/v1"), "OPENROUTER_API_KEY", MAX_TOKENS),
            new ProviderPreset("xai", URI.create("https://api.x.ai/v1"), "XAI_API_KEY", MAX_TOKENS),
            new ProviderPreset("fireworks", URI.create("https://api.fireworks.ai/inference/v1"), "FIREWORKS_API_KEY", MAX_TOKENS),
            new ProviderPreset("moonshot", URI.create("https://api.moonshot.ai/v1"), "MOONSHOT_API_KEY", MAX_TOKENS),
            new ProviderPreset("cohere", URI.create("https://api.cohere.ai/compatibility/v1"), "COHERE_API_KEY", MAX_TOKENS),
            new ProviderPreset("vllm", URI.create("http://localhost:8000/v1"), null, MAX_TOKENS),
            new ProviderPreset("ollama", URI.create("http://localhost:11434/v1"), null, MAX_TOKENS));

    /** Creates the plugin; {@link java.util.ServiceLoader} calls this. */
    public OpenAiCompatiblePlugin() {
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
        return new OpenAiClient(config, Clock.systemUTC());
    }

    @Override
    public String toString() {
        return "OpenAiCompatiblePlugin[" + ID + "]";
    }
}
