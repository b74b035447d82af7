package dev.junction.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One cached answer.
 *
 * @param id           the entry's id (unique in its store)
 * @param tenantId     the tenant that produced it; never served to another tenant
 * @param namespace    the cache namespace (tenant, system prompt, tools, response format, sampling, embedder)
 * @param exactKey     the hash of the canonical request, for the exact tier
 * @param prompt       the embedded prompt text
 * @param embedding    its L2-normalized embedding, or null for an exact-only entry; not copied (the entry owns the
 *                     array it is given)
 * @param response     the complete, successful answer
 * @param modelQuality the producing model's quality score in [0, 1] for the prompt's category
 * @param costUsd      what producing the answer cost
 * @param createdAt    when it was stored
 * @param expiresAt    when it stops being served
 * @param hitCount     how often it has been served
 */
public record CacheEntry(String id, String tenantId, String namespace, String exactKey, String prompt, float[] embedding,
                         ChatResponse response, double modelQuality, double costUsd, Instant createdAt,
                         Instant expiresAt, long hitCount) {
    public CacheEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(exactKey, "exactKey");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
