package dev.junction.server.http;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Maps virtual API keys ({@code Authorization: Bearer <key>}) to tenants and enforces each tenant's rate limit.
 *
 * <p>Keys are held only as SHA-256 digests. With no keys configured the gateway is open and every request belongs to
 * {@link Tenant#OPEN}. Rate limits are Resilience4j {@link RateLimiter}s that never wait: over the limit is a 429
 * with {@code retry-after}. Thread-safe.
 */
public final class TenantAuthenticator {

    private final Map<String, Tenant> byKeyDigest;
    private final Map<String, RateLimiter> limiters = new HashMap<>();

    /** @param keys virtual key to tenant; empty means an open gateway */
    public TenantAuthenticator(Map<String, Tenant> keys) {
        Map<String, Tenant> digests = new HashMap<>();
        for (Map.Entry<String, Tenant> e : keys.entrySet()) {
            digests.put(digest(e.getKey()), e.getValue());
            Tenant t = e.getValue();
            if (t.requestsPerSecond() > 0 && !limiters.containsKey(t.id())) {
                limiters.put(t.id(), RateLimiter.of("tenant-" + t.id(), RateLimiterConfig.custom()
                        .limitForPeriod(t.requestsPerSecond())
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ZERO)
                        .build()));
            }
        }
        this.byKeyDigest = Map.copyOf(digests);
    }

    /** Every configured tenant, once each. */
    public java.util.Set<Tenant> tenants() {
        return java.util.Set.copyOf(byKeyDigest.values());
    }

    /** Whether requests need a key. */
    public boolean open() {
        return byKeyDigest.isEmpty();
    }

    /**
     * The tenant of a request, after its rate limit.
     *
     * @param authorization the {@code Authorization} header, or null
     * @throws ApiError 401 for a missing or unknown key, 429 over the rate limit
     */
    public Tenant authenticate(String authorization) {
        if (byKeyDigest.isEmpty()) {
            return Tenant.OPEN;
        }
        if (authorization == null || authorization.isBlank()) {
            throw ApiError.unauthorized("You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
        }
        String key = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : "";
        Tenant tenant = key.isEmpty() ? null : byKeyDigest.get(digest(key));
        if (tenant == null) {
            throw ApiError.unauthorized("Incorrect API key provided: " + redact(key) + ".");
        }
        RateLimiter limiter = limiters.get(tenant.id());
        if (limiter != null && !limiter.acquirePermission()) {
            throw new ApiError(429, "rate_limit_exceeded", "rate_limit_exceeded", null,
                    "Rate limit reached for tenant " + tenant.id() + ": " + tenant.requestsPerSecond()
                            + " requests per second.", Map.of("retry-after", "1"));
        }
        return tenant;
    }

    private static String redact(String key) {
        if (key.length() <= 8) {
            return "****";
        }
        return key.substring(0, 3) + "****" + key.substring(key.length() - 4);
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
