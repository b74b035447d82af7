/**
 * HTTP, SSE and error-mapping plumbing shared by Junction's provider plugins; exported only to them.
 */
module dev.junction.plugin.common {
    requires transitive dev.junction.spi;
    requires transitive java.net.http;
    requires transitive com.fasterxml.jackson.databind;

    exports dev.junction.plugin.common to
            dev.junction.plugin.openai,
            dev.junction.plugin.anthropic,
            dev.junction.plugin.gemini;
}
