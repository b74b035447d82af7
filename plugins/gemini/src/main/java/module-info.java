/**
 * The Gemini API ({@code generateContent} / {@code streamGenerateContent}) wire protocol.
 */
module dev.junction.plugin.gemini {
    requires transitive dev.junction.spi;
    requires dev.junction.plugin.common;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;

    exports dev.junction.plugin.gemini;

    provides dev.junction.spi.ProviderPlugin with dev.junction.plugin.gemini.GeminiPlugin;
}
