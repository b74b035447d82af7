package dev.junction.engine;

/** What the router optimizes once every hard constraint of the intent is met. */
public enum Objective {
    /** The lowest estimated cost. */
    CHEAPEST,
    /** The lowest estimated latency. */
    FASTEST,
    /** The highest predicted quality. */
    BEST_QUALITY,
    /** A weighted trade-off of quality, cost and latency. */
    BALANCED
}
