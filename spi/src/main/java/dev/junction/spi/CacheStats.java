package dev.junction.spi;

/**
 * A semantic cache's counters since it was opened (entries and bytes are current).
 *
 * @param exactHits      look-ups served by the exact tier
 * @param semanticHits   look-ups served by similarity
 * @param misses         look-ups that found nothing servable
 * @param guardRejects   candidates above the threshold refused by the guard (negation, numbers, entities)
 * @param wrongHitReports hits users reported as wrong (each removed its entry)
 * @param evictions      entries removed to respect the capacity bound
 * @param expirations    entries removed because their TTL passed
 * @param entries        entries held now
 * @param bytes          bytes the entries take now
 * @param costSavedUsd   the producing cost of every answer served from the cache
 */
public record CacheStats(long exactHits, long semanticHits, long misses, long guardRejects, long wrongHitReports,
                         long evictions, long expirations, long entries, long bytes, double costSavedUsd) {
    public long hits() {
        return exactHits + semanticHits;
    }
}
