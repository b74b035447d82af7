/** The cache's internals: entry encoding, the per-namespace vector index, SIMD dot products. Not an API. */
package dev.junction.cache.internal;
