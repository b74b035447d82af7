package dev.junction.engine.catalog;

import dev.junction.engine.CachePolicy;
import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.engine.LiveMatrix;
import dev.junction.engine.Objective;
import dev.junction.engine.RouteDecision;
import dev.junction.engine.fakes.TestBed;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalog sources inside a real {@link Junction} with fake provider clients: a price change in a watched file or
 * at a polled URL changes the router's choice on the next request after a refresh, and a broken update leaves the
 * previous snapshot in force.
 */
class CatalogHotReloadTest {
    private static final Intent CHEAPEST = Intent.builder().cachePolicy(CachePolicy.OFF)
            .objective(Objective.CHEAPEST).build();

    @TempDir
    Path dir;
    private final TestBed bed = new TestBed();

    private Junction junction(CatalogSource source) {
        return Junction.builder().catalog(source).clock(bed.clock).scheduler(bed.scheduler).executor(Runnable::run)
                .catalogRefreshInterval(Duration.ZERO).providerClient(bed.provider("alpha"))
                .providerClient(bed.provider("beta")).cacheStore(null).build();
    }

    private String chosen(Junction j) {
        RouteDecision d = bed.complete(j, TestBed.hello(), CHEAPEST).decision();
        return d.chosen().modelId();
    }

    private static double inputPrice(Junction j, String id) {
        return j.models().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow()
                .prices().inputPerMillion();
    }

    @Test
    void aPriceChangedInTheWatchedFileChangesTheRoutersChoiceOnTheNextRequest() throws IOException {
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, TestCatalogs.twoModels(3.0)); // alpha $3 in, beta $1 in: beta is cheaper
        try (Junction j = junction(FileCatalogSource.of(file))) {
            assertEquals("beta/b", chosen(j));
            assertFalse(j.refreshCatalog(), "unchanged file: no new snapshot");

            Files.writeString(file, TestCatalogs.twoModels(0.5)); // alpha now $0.50 in
            assertEquals("beta/b", chosen(j), "nothing changes before the refresh");
            assertTrue(j.refreshCatalog());
            assertEquals("alpha/a", chosen(j));
            assertEquals(0.5, inputPrice(j, "alpha/a"));
        }
    }

    @Test
    void aBrokenFileIsRejectedAndTheOldSnapshotStaysInForce() throws IOException {
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, TestCatalogs.twoModels(0.5));
        try (Junction j = junction(FileCatalogSource.of(file))) {
            LiveMatrix before = j.liveMatrix();
            assertEquals("alpha/a", chosen(j));

            // Truncated mid-write, then a semantically invalid one (negative price), then an empty catalog.
            for (String broken : new String[] {
                    TestCatalogs.twoModels(9.0).substring(0, 120),
                    TestCatalogs.twoModels(9.0).replace("\"input\" : 9.0", "\"input\" : -9.0"),
                    "{\"format\": \"junction-catalog\", \"models\": []}"}) {
                Files.writeString(file, broken);
                assertFalse(j.refreshCatalog(), broken);
                assertEquals(before.version(), j.liveMatrix().version());
                assertEquals(0.5, inputPrice(j, "alpha/a"));
                assertEquals("alpha/a", chosen(j));
            }

            Files.writeString(file, TestCatalogs.twoModels(9.0)); // a good update is still picked up afterwards
            assertTrue(j.refreshCatalog());
            assertEquals(before.version() + 1, j.liveMatrix().version());
            assertEquals("beta/b", chosen(j));
        }
    }

    @Test
    void aPriceChangedAtThePolledUrlChangesTheChoiceAfterTheNextPoll() throws IOException {
        String[] body = {TestCatalogs.twoModels(3.0)};
        String[] etag = {"\"1\""};
        MutableClock pollClock = new MutableClock(Instant.parse("2026-11-21T00:00:00Z"));
        try (LoopbackHttpServer server = new LoopbackHttpServer(r -> etag[0].equals(r.headers().get("if-none-match"))
                ? new LoopbackHttpServer.Response(304, Map.of("ETag", etag[0]), new byte[0])
                : new LoopbackHttpServer.Response(200, Map.of("ETag", etag[0]), body[0].getBytes(StandardCharsets.UTF_8)))) {
            HttpCatalogSource source = HttpCatalogSource.builder(URI.create("http://127.0.0.1:" + server.port() + "/c"))
                    .pollInterval(Duration.ofMinutes(5)).clock(pollClock).build();
            try (Junction j = junction(source)) {
                assertEquals("beta/b", chosen(j));
                body[0] = TestCatalogs.twoModels(0.5);
                etag[0] = "\"2\"";
                assertFalse(j.refreshCatalog(), "the poll interval has not passed");
                pollClock.advance(Duration.ofMinutes(5));
                assertTrue(j.refreshCatalog());
                assertEquals("alpha/a", chosen(j));
                pollClock.advance(Duration.ofMinutes(5));
                assertFalse(j.refreshCatalog(), "304 Not Modified");
                assertEquals(3, source.requests());
            }
        }
    }

    @Test
    void anOverrideFileLayeredOnTheDefaultCatalogChangesPricesAndKeepsQuality() throws IOException {
        ModelDescriptor sonnet = DefaultCatalog.models().stream()
                .filter(m -> m.id().equals("anthropic/claude-sonnet-4-5")).findFirst().orElseThrow();
        Path overrides = dir.resolve("overrides.json");
        Files.writeString(overrides, CatalogFormat.toJunctionJson(java.util.List.of(new ModelDescriptor(
                sonnet.provider(), sonnet.model(), sonnet.contextWindow(), sonnet.maxOutputTokens(),
                new dev.junction.spi.Prices(2.0, 10.0, 0.2), sonnet.capabilities(), java.util.Set.of(),
                dev.junction.spi.DataRetention.UNKNOWN, Map.of()))));
        MergedCatalogSource merged = MergedCatalogSource.of(DefaultCatalog.source(), FileCatalogSource.of(overrides));
        ModelDescriptor updated = merged.load().stream().filter(m -> m.id().equals(sonnet.id())).findFirst()
                .orElseThrow();
        assertEquals(2.0, updated.prices().inputPerMillion());
        assertEquals(sonnet.quality(), updated.quality());
        assertEquals(sonnet.retention(), updated.retention());
        assertEquals(DefaultCatalog.models().size(), merged.load().size());
    }
}
