/**
 * The OpenAI Chat Completions wire protocol, serving OpenAI and every compatible provider (DeepSeek, Mistral, Qwen,
 * Groq, Together, OpenRouter, xAI, vLLM, Ollama) through presets.
 */
module dev.junction.plugin.openai {
    requires transitive dev.junction.spi;
    requires dev.junction.plugin.common;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;

    exports dev.junction.plugin.openai;

    provides dev.junction.spi.ProviderPlugin with dev.junction.plugin.openai.OpenAiCompatiblePlugin;
}
