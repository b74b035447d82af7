/**
 * The Junction engine: state an {@link dev.junction.engine.Intent} instead of a model name, and
 * {@link dev.junction.engine.Junction} decides whether a model call is needed (semantic cache) and which provider
 * and model to call (routing over the live catalog), then calls it with failover, circuit breaking and budgets.
 */
package dev.junction.engine;
