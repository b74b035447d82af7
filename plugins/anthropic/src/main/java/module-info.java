module dev.junction.plugin.anthropic {
    requires transitive dev.junction.spi;
}
