/**
 * The Anthropic Messages API wire protocol.
 */
module dev.junction.plugin.anthropic {
    requires transitive dev.junction.spi;
    requires dev.junction.plugin.common;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;

    exports dev.junction.plugin.anthropic;

    provides dev.junction.spi.ProviderPlugin with dev.junction.plugin.anthropic.AnthropicPlugin;
}
