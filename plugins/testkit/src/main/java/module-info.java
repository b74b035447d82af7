module dev.junction.plugin.testkit {
    requires transitive dev.junction.spi;
}
