package dev.junction.engine;

import dev.junction.engine.fakes.FakeClock;
import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.FakeScheduler;
import dev.junction.engine.fakes.Models;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ProviderPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationTest {

    private static void assertRejectedNaming(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' should name " + f);
        }
    }

    @Test
    void intentValidationNamesTheBadValue() {
        assertRejectedNaming(() -> Intent.builder().maxCostUsd(-0.5).build(), "maxCostUsd", "-0.5");
        assertRejectedNaming(() -> Intent.builder().minQuality(1.5).build(), "minQuality", "1.5");
        assertRejectedNaming(() -> Intent.builder().latencyBudget(Duration.ofSeconds(-1)).build(), "latencyBudget", "PT-1S");
        assertRejectedNaming(() -> Intent.builder().latencyBudget(Duration.ofSeconds(1))
                .timeToFirstTokenBudget(Duration.ofSeconds(2)).build(), "timeToFirstTokenBudget", "PT2S");
        assertRejectedNaming(() -> Intent.builder().hedgeAfter(Duration.ofMillis(-5)).build(), "hedgeAfter", "PT-0.005S");
        assertRejectedNaming(() -> CachePolicy.semantic(1.5, null), "threshold", "1.5");
        // Past 100 years the engine's nanosecond deadlines overflow (an ArithmeticException after the call started).
        assertRejectedNaming(() -> Intent.builder().latencyBudget(Duration.ofSeconds(Long.MAX_VALUE)).build(),
                "latencyBudget", "at most 36500 days");
        assertRejectedNaming(() -> Intent.builder().hedgeAfter(Duration.ofSeconds(Long.MAX_VALUE)).build(),
                "hedgeAfter", "at most 36500 days");
        assertEquals(Duration.ofDays(36_500), Intent.builder().latencyBudget(Intent.MAX_DURATION).build().latencyBudget());
        assertEquals(java.util.Set.of(Capability.TOOLS),
                Intent.builder().require(Capability.TOOLS, Capability.TOOLS).build().requiredCapabilities(),
                "a repeated capability is not an error");
    }

    @Test
    void configValidationNamesTheBadValue() {
        assertRejectedNaming(() -> RetryConfig.custom().jitter(2).build(), "jitter", "2.0");
        assertRejectedNaming(() -> RetryConfig.custom().maxAttemptsPerCandidate(0).build(), "maxAttemptsPerCandidate", "0");
        assertRejectedNaming(() -> CircuitConfig.custom().failureRateThreshold(120).build(), "failureRateThreshold", "120");
        assertRejectedNaming(() -> Junction.builder().tenantBudget("acme", -1), "acme", "-1.0");
        assertRejectedNaming(() -> Junction.builder().catalogRefreshInterval(Duration.ofSeconds(-3)), "PT-3S");
    }

    @Test
    void retryBackoffGrowsExponentiallyUpToItsCap() {
        RetryConfig r = RetryConfig.custom().initialBackoff(Duration.ofMillis(100)).multiplier(2)
                .maxBackoff(Duration.ofMillis(350)).build();
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350)),
                List.of(r.backoff(1), r.backoff(2), r.backoff(3)));
    }

    record NamedPlugin(String id, String tag) implements ProviderPlugin {
        @Override
        public List<ProviderPreset> presets() {
            return List.of();
        }

        @Override
        public ProviderClient create(ProviderConfig config) {
            FakeClock clock = new FakeClock();
            return new FakeProviderClient(config.providerId(), new FakeScheduler(clock), clock);
        }
    }

    static final class OtherPlugin implements ProviderPlugin {
        @Override
        public String id() {
            return "alpha";
        }

        @Override
        public List<ProviderPreset> presets() {
            return List.of();
        }

        @Override
        public ProviderClient create(ProviderConfig config) {
            throw new UnsupportedOperationException("never created");
        }
    }

    @Test
    void pluginDiscoveryIsSortedById() {
        ProviderPlugins p = ProviderPlugins.of(List.of(new NamedPlugin("zeta", ""), new NamedPlugin("alpha", "")));
        assertEquals(List.of("alpha", "zeta"), p.ids());
    }

    @Test
    void duplicatePluginIdsFailNamingBothClasses() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProviderPlugins.of(List.of(new NamedPlugin("alpha", ""), new OtherPlugin())));
        assertTrue(e.getMessage().contains("'alpha'") && e.getMessage().contains("NamedPlugin")
                && e.getMessage().contains("OtherPlugin"), e.getMessage());
    }

    @Test
    void aMissingPluginIdFailsNamingTheOnesFound() {
        ProviderPlugins p = ProviderPlugins.of(List.of(new NamedPlugin("alpha", "")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.require("gemini"));
        assertTrue(e.getMessage().contains("'gemini'") && e.getMessage().contains("alpha"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Junction.builder().plugins(p)
                .provider(ProviderConfig.of("google", "gemini", URI.create("http://127.0.0.1:1"), null)).build());
    }

    @Test
    void providerConfigsAreCreatedThroughTheirPlugin() {
        ProviderPlugins p = ProviderPlugins.of(List.of(new NamedPlugin("alpha", "")));
        try (Junction j = Junction.builder().plugins(p).catalogRefreshInterval(Duration.ZERO)
                .models(dev.junction.engine.fakes.Models.model("acme", "m", 1, 1, 0.5))
                .provider(ProviderConfig.of("acme", "alpha", URI.create("http://127.0.0.1:1"), null)).build()) {
            assertEquals(List.of("acme"), j.providers());
            assertEquals("answer from acme/m", j.complete(ChatRequest.ofUser("hi"), Intent.DEFAULT).response().text());
        }
    }

    @Test
    void twoClientsForOneProviderAreRejected() {
        FakeClock clock = new FakeClock();
        FakeScheduler s = new FakeScheduler(clock);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Junction.builder()
                .providerClient(new FakeProviderClient("a", s, clock)).providerClient(new FakeProviderClient("a", s, clock))
                .build());
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void aClosedJunctionRefusesRequests() {
        Junction j = Junction.builder().catalogRefreshInterval(Duration.ZERO).build();
        j.close();
        assertThrows(IllegalStateException.class, () -> j.complete(ChatRequest.ofUser("hi"), Intent.DEFAULT));
    }

    // Both used to pass the builder and then fail build() with ArithmeticException: long overflow.
    @Test
    void aCatalogRefreshIntervalBeyondThreeCenturiesIsRefusedByName() {
        // Before the fix: the setter accepts it and build() throws "ArithmeticException: long overflow"
        // (Scheduler.system() -> delay.toNanos() from Engine.scheduleRefresh()).
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Junction.builder()
                .providerClient(new FakeProviderClient("acme", new FakeScheduler(new FakeClock()), new FakeClock()))
                .models(Models.model("acme", "m", 1, 1, 0.9))
                .catalogRefreshInterval(Duration.ofDays(365L * 300))
                .build().close());
        assertTrue(e.getMessage().contains("catalogRefreshInterval"), e.getMessage());
    }

    @Test
    void aCircuitWaitBeyondACenturyIsRefusedByName() {
        // Before the fix: accepted here, then Junction.build() throws "ArithmeticException: long overflow"
        // (Circuit.<init> -> waitDurationInOpenState().toMillis()).
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircuitConfig.custom()
                .waitDurationInOpenState(Duration.ofSeconds(Long.MAX_VALUE)).build());
        assertTrue(e.getMessage().contains("waitDurationInOpenState"), e.getMessage());
        // and a value the config does accept must build:
        CircuitConfig ok = CircuitConfig.custom().waitDurationInOpenState(Duration.ofDays(36_500)).build();
        FakeClock clock = new FakeClock();
        Junction.builder().clock(clock).scheduler(new FakeScheduler(clock))
                .providerClient(new FakeProviderClient("acme", new FakeScheduler(clock), clock))
                .models(Models.model("acme", "m", 1, 1, 0.9))
                .catalogRefreshInterval(Duration.ZERO)
                .circuitBreaker(ok).build().close();
    }
}
