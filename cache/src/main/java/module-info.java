module dev.junction.cache {
    requires transitive dev.junction.spi;
}
