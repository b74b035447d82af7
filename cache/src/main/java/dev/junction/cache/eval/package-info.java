/** The semantic cache's offline evaluation on public data (GPTCache's benchmark, Quora pairs, negation pairs). */
package dev.junction.cache.eval;
