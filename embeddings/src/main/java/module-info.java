module dev.junction.embeddings {
    requires transitive dev.junction.spi;
}
