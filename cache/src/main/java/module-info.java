/**
 * Junction's off-heap, persisted semantic cache: a Chronicle Map file holding the entries, an in-process vector
 * index per namespace (exact Vector API scan while small, a JVector graph once it grows), the hit policy (threshold,
 * guard, quality floor), TTL, eviction and statistics; plus the cache's offline evaluation.
 */
module dev.junction.cache {
    requires transitive dev.junction.spi;
    requires chronicle.map;
    requires jvector;
    requires jdk.incubator.vector;

    exports dev.junction.cache;
    exports dev.junction.cache.eval;
}
