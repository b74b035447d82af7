module dev.junction.plugin.gemini {
    requires transitive dev.junction.spi;
}
