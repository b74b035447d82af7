package dev.junction.engine;

import dev.junction.spi.CacheStatus;
import dev.junction.spi.PromptAssessment;

import java.util.List;
import java.util.Objects;

/**
 * What the engine decided for one request and what happened.
 *
 * @param requestId       the logical request's id (also its idempotency key)
 * @param chosen          the candidate that answered, or null for a cache hit or a failure
 * @param candidates      the feasible candidates, ranked by the objective (the fallback chain, in order)
 * @param exclusions      every candidate removed, with the constraint that removed it, in catalog order; the
 *                        provider plugin's own check ({@link Constraint#UNSUPPORTED_REQUEST}) runs last and only for
 *                        the candidates the router would use, so a model ranked below the fallback chain is not asked
 *                        (when nothing is feasible every candidate is asked, so the explanation is complete)
 * @param assessment      the prompt's category and difficulty, or null when routing was skipped (cache hit)
 * @param cacheStatus     how the cache took part
 * @param cacheSimilarity the similarity of the cached entry on a hit, else NaN
 * @param cacheEntryId    the cache entry that served a hit, or that now holds this answer after a miss (then the same
 *                        as {@code requestId}); null when nothing was cached. Pass it to
 *                        {@link Junction#reportWrongCacheHit} when the answer was wrong for the request
 * @param attempts        the provider calls made, in order
 * @param violated        when the intent allowed degrading and nothing was feasible: the constraint the chosen
 *                        candidate violates; else null
 * @param costUsd         what the request was charged: the answer's cost from reported usage (estimated when the
 *                        provider reported none), plus, for each attempt cancelled after it was sent (a hedge that
 *                        lost), its prompt's estimated input cost; 0 for a cache hit
 */
public record RouteDecision(String requestId, Candidate chosen, List<Candidate> candidates, List<Exclusion> exclusions,
                            PromptAssessment assessment, CacheStatus cacheStatus, double cacheSimilarity,
                            String cacheEntryId, List<Attempt> attempts, Exclusion violated, double costUsd) {
    public RouteDecision {
        Objects.requireNonNull(requestId, "requestId");
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
        Objects.requireNonNull(cacheStatus, "cacheStatus");
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** Whether the intent's constraints were relaxed to answer. */
    public boolean degraded() {
        return violated != null;
    }
}
