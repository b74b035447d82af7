package dev.junction.server.runtime;

import dev.junction.embeddings.EmbeddingModel;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.server.demo.SimulatedProvider;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.Embedder;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.Secret;
import dev.junction.spi.TaskCategory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The shipped quality predictor (found by ServiceLoader) reads MiniLM vectors: with the bge-small embedder, whose
 * vectors have the same length, the engine routes on catalog scores instead of on noise.
 */
class PredictorEmbedderPairingTest {

    private static final double CATALOG_QUALITY = 0.77;

    @Test
    void aDiscoveredPredictorTrainedOnOtherVectorsIsSetAsideForCatalogScores() {
        try (SimulatedProvider upstream = new SimulatedProvider(SimulatedProvider.Wire.OPENAI,
                Map.of("m", new SimulatedProvider.Model("m", Duration.ZERO, Duration.ZERO, 0, 5)), 1);
             OnnxEmbedder minilm = new OnnxEmbedder();
             OnnxEmbedder bge = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(EmbeddingModel.BGE_SMALL_EN_V15_Q)
                     .build())) {
            assertNotEquals(CATALOG_QUALITY, predicted(upstream, minilm), 1e-6,
                    "with the embedder it was trained on, the shipped predictor routes");
            assertEquals(CATALOG_QUALITY, predicted(upstream, bge), 1e-12);
        }
    }

    private static double predicted(SimulatedProvider upstream, Embedder embedder) {
        ModelDescriptor m = new ModelDescriptor("upstream", "m", 128_000, 4096, new Prices(1, 2, 1),
                Set.of(Capability.STREAMING), Set.of(), DataRetention.ZERO, Map.of(TaskCategory.GENERAL, CATALOG_QUALITY));
        try (Junction j = Junction.builder().embedder(embedder).cacheStore(null).models(m)
                .provider(ProviderConfig.of("upstream", "openai-compatible", upstream.baseUrl(), new Secret("sk-test")))
                .build()) {
            return j.complete(ChatRequest.ofUser("Tell me something about the sea."), Intent.DEFAULT).decision()
                    .chosen().predictedQuality();
        }
    }
}
