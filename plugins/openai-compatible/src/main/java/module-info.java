module dev.junction.plugin.openai {
    requires transitive dev.junction.spi;
}
