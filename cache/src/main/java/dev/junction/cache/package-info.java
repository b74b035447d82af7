/**
 * Junction's semantic cache: {@link dev.junction.cache.ChronicleSemanticCache}, a
 * {@link dev.junction.spi.SemanticCacheStore} persisted in a Chronicle Map file, its
 * {@link dev.junction.cache.ChronicleCacheConfig} and the {@link dev.junction.cache.PromptGuard} of its hit policy.
 */
package dev.junction.cache;
