package dev.junction.engine;

import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.CacheStats;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.Embedder;
import dev.junction.spi.Message;
import dev.junction.spi.SemanticCacheStore;
import dev.junction.spi.TaskCategory;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemanticPathTest {
    private final TestBed bed = new TestBed();

    /** Embeds every text as a fixed unit vector and counts calls. */
    static class CountingEmbedder implements Embedder {
        final List<String> texts = new ArrayList<>();

        @Override
        public String modelId() {
            return "counting";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public float[] embed(String text) {
            texts.add(text);
            return new float[]{1, 0};
        }

        @Override
        public List<float[]> embedAll(List<String> list) {
            return list.stream().map(this::embed).toList();
        }

        @Override
        public void close() {
        }
    }

    /** Records queries and answers every similarity look-up with a stored entry once one was put. */
    static final class RecordingStore implements SemanticCacheStore {
        final List<CacheQuery> similarQueries = new ArrayList<>();
        final List<CacheEntry> puts = new ArrayList<>();

        @Override
        public Optional<CacheHit> lookupExact(CacheQuery query) {
            return Optional.empty();
        }

        @Override
        public Optional<CacheHit> lookupSimilar(CacheQuery query) {
            similarQueries.add(query);
            return puts.isEmpty() ? Optional.empty() : Optional.of(new CacheHit(puts.get(0), 0.93, CacheStatus.SEMANTIC_HIT));
        }

        @Override
        public void put(CacheEntry entry) {
            puts.add(entry);
        }

        @Override
        public boolean invalidate(String entryId) {
            return false;
        }

        @Override
        public int invalidateNamespace(String namespace) {
            return 0;
        }

        @Override
        public int invalidateTenant(String tenantId) {
            return 0;
        }

        @Override
        public boolean reportWrongHit(String tenantId, String entryId) {
            return false;
        }

        @Override
        public CacheStats stats() {
            return new CacheStats(0, 0, 0, 0, 0, 0, 0, puts.size(), 0, 0);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void semanticPolicyEmbedsTheLastUserTextAndServesASimilarEntry() {
        CountingEmbedder embedder = new CountingEmbedder();
        RecordingStore store = new RecordingStore();
        try (Junction j = bed.builder(Models.model("a", "m1", 1, 1, 0.8)).embedder(embedder).cacheStore(store).build()) {
            Intent intent = Intent.builder().cachePolicy(CachePolicy.semantic(0.9, null)).minQuality(0.5).build();
            bed.complete(j, ChatRequest.ofUser("What is the capital of France?"), intent);
            assertEquals(1, store.puts.size());
            assertArrayEquals(new float[]{1, 0}, store.puts.get(0).embedding());
            assertEquals(0.8, store.puts.get(0).modelQuality(), 1e-9);

            JunctionResponse hit = bed.complete(j, ChatRequest.ofUser("Which city is France's capital?"), intent);
            assertEquals(CacheStatus.SEMANTIC_HIT, hit.decision().cacheStatus());
            assertEquals(0.93, hit.decision().cacheSimilarity());
            CacheQuery q = store.similarQueries.get(1);
            assertEquals(0.9, q.threshold());
            assertEquals(0.5, q.minQuality());
            assertEquals("Which city is France's capital?", q.prompt());
            assertEquals(List.of("What is the capital of France?", "Which city is France's capital?"), embedder.texts);
        }
    }

    @Test
    void onlyRequestsWhoseConversationAroundTheLastUserTextIsEqualShareANamespace() {
        CountingEmbedder embedder = new CountingEmbedder();
        RecordingStore store = new RecordingStore();
        try (Junction j = bed.builder(Models.model("a", "m1", 1, 1, 0.8)).embedder(embedder).cacheStore(store).build()) {
            Intent intent = Intent.builder().cachePolicy(CachePolicy.semantic(0.9, null)).build();
            List<ChatRequest> requests = List.of(
                    followUp("Tell me about Paris.", "What is its population?"),
                    followUp("Tell me about Paris.", "How many people live there?"),   // a paraphrase: same context
                    followUp("Tell me about Rome.", "What is its population?"),        // another conversation
                    ChatRequest.of(List.of(Message.user("What is its population?"))),
                    ChatRequest.of(List.of(Message.user(List.of(new ContentPart.Text("What is in this picture?"),
                            ContentPart.Image.ofUrl("https://example.com/cat.png"))))),
                    ChatRequest.of(List.of(Message.user(List.of(new ContentPart.Text("What is in this picture?"),
                            ContentPart.Image.ofUrl("https://example.com/dog.png"))))),
                    ChatRequest.of(List.of(Message.user("What is the weather in Oslo?"),
                            Message.assistant("", List.of(new ToolCall("c1", "weather", "{\"city\":\"Oslo\"}"))),
                            Message.toolResult("c1", "-3 C, snow"))),
                    ChatRequest.of(List.of(Message.user("What is the weather in Oslo?"),
                            Message.assistant("", List.of(new ToolCall("c1", "weather", "{\"city\":\"Oslo\"}"))),
                            Message.toolResult("c1", "21 C, sun"))));
            List<String> namespaces = new ArrayList<>();
            for (ChatRequest r : requests) {
                bed.complete(j, r, intent);
                namespaces.add(store.similarQueries.get(store.similarQueries.size() - 1).namespace());
            }
            assertEquals(namespaces.get(0), namespaces.get(1), "a paraphrased follow-up of the same conversation");
            assertEquals(7, Set.copyOf(namespaces).size(),
                    "different earlier turns, images or tool results are different namespaces: " + namespaces);
        }
    }

    private static ChatRequest followUp(String first, String last) {
        return ChatRequest.of(List.of(Message.user(first), Message.assistant("Here is what I know about it."),
                Message.user(last)));
    }

    @Test
    void aPredictorIsRefusedWithAnEmbedderWhoseVectorsItWasNotTrainedOn() {
        // bge-small and MiniLM both give 384 floats: nothing but the ids tells the router it is reading noise.
        QualityPredictor trainedOnMiniLm = new QualityPredictor() {
            @Override
            public String embedderId() {
                return "all-minilm-l6-v2-q";
            }

            @Override
            public PromptAssessment assess(ChatRequest request, float[] embedding) {
                return new PromptAssessment(TaskCategory.GENERAL, 0, 10, embedding, null);
            }

            @Override
            public double predict(PromptAssessment prompt, ModelDescriptor model) {
                return 0.8;
            }
        };
        ModelDescriptor model = Models.model("a", "m1", 1, 1, 0.8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bed.builder(model)
                .embedder(new CountingEmbedder()).qualityPredictor(trainedOnMiniLm).build());
        assertTrue(e.getMessage().contains("all-minilm-l6-v2-q") && e.getMessage().contains("counting"), e.getMessage());
        try (Junction j = bed.builder(model).embedder(null).qualityPredictor(trainedOnMiniLm).build()) {
            assertEquals(0.8, bed.complete(j, TestBed.hello(), Intent.DEFAULT).decision().chosen().predictedQuality());
        }
    }

    @Test
    void aFailingEmbedderIsACacheMissNotAFailedRequest() {
        CountingEmbedder broken = new CountingEmbedder() {
            @Override
            public float[] embed(String text) {
                throw new IllegalStateException("model session closed");
            }
        };
        RecordingStore store = new RecordingStore();
        try (Junction j = bed.builder(Models.model("a", "m1", 1, 1, 0.8)).embedder(broken).cacheStore(store).build()) {
            JunctionResponse r = bed.complete(j, ChatRequest.ofUser("What is the capital of France?"),
                    Intent.builder().cachePolicy(CachePolicy.semantic(0.9, null)).build());
            assertEquals("a/m1", r.decision().chosen().modelId());
            assertEquals(CacheStatus.MISS, r.decision().cacheStatus());
            assertNull(store.puts.get(0).embedding(), "stored for the exact tier only");
        }
    }

    @Test
    void noEmbeddingWhenNothingNeedsIt() {
        CountingEmbedder embedder = new CountingEmbedder();
        RecordingStore store = new RecordingStore();
        try (Junction j = bed.builder(Models.model("a", "m1", 1, 1, 0.8)).embedder(embedder).cacheStore(store).build()) {
            bed.complete(j, TestBed.hello(), Intent.builder().cachePolicy(CachePolicy.EXACT).build());
            bed.complete(j, TestBed.hello(), Intent.builder().cachePolicy(CachePolicy.OFF).build());
            assertEquals(List.of(), embedder.texts);
            assertNull(store.puts.get(0).embedding());
        }
    }

    @Test
    void aStoredEntrysEmbeddingIsItsOwnCopy() {
        CountingEmbedder embedder = new CountingEmbedder(); // always {1, 0}
        RecordingStore store = new RecordingStore();
        try (Junction j = bed.builder(Models.model("a", "m1", 1, 1, 0.8)).embedder(embedder).cacheStore(store).build()) {
            Intent intent = Intent.builder().cachePolicy(CachePolicy.semantic(0.9, null)).build();
            bed.complete(j, ChatRequest.ofUser("What is the capital of France?"), intent);
            CacheEntry stored = store.puts.get(0);
            assertArrayEquals(new float[]{1, 0}, stored.embedding());

            stored.embedding()[0] = 0; // e.g. a store that quantizes or re-normalizes in place

            bed.complete(j, ChatRequest.ofUser("What is the capital of France?"), intent);
            assertEquals(2, store.similarQueries.size());
            assertArrayEquals(new float[]{1, 0}, store.similarQueries.get(1).embedding(),
                    "the second request's query vector was changed through the first request's CacheEntry");
        }
    }
}
