/**
 * The provider plugin test kit: {@link dev.junction.plugin.testkit.ProviderPluginContract} and the loopback server
 * that speaks a provider's protocol from fixture files.
 */
module dev.junction.plugin.testkit {
    requires transitive dev.junction.spi;
    requires transitive org.junit.jupiter.api;
    requires transitive com.fasterxml.jackson.databind;

    exports dev.junction.plugin.testkit;
}
