/**
 * Junction's extension points and the normalized chat model they speak.
 *
 * <p>Everything here is an interface, a record or an enum: no logic and no dependency beyond the JDK, so that
 * a provider plugin or a cache store can be written against this module alone. Records copy their collections
 * defensively and reject nulls where a value is required; optional scalars are {@code null} when absent.
 */
package dev.junction.spi;
