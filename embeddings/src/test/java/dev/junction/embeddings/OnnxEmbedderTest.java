package dev.junction.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.Embedder;
import dev.junction.spi.Message;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

    static OnnxEmbedder minilm;
    static OnnxEmbedder bge;
    static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        minilm = new OnnxEmbedder();
        bge = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(EmbeddingModel.BGE_SMALL_EN_V15_Q).build());
        try (InputStream in = OnnxEmbedderTest.class.getResourceAsStream("reference-vectors.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
    }

    @Test
    void miniLmMatchesIndependentReferenceVectors() {
        assertMatchesReference(minilm, reference.get("all-minilm-l6-v2-q"));
    }

    @Test
    void bgeMatchesIndependentReferenceVectors() {
        assertMatchesReference(bge, reference.get("bge-small-en-v1.5-q"));
    }

    private static void assertMatchesReference(OnnxEmbedder embedder, JsonNode cases) {
        assertTrue(cases.size() >= 5);
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            long[] ids = new long[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.get("ids").get(i).asLong();
            }
            assertArrayEquals(ids, embedder.tokenIds(text), "token ids of: " + text);
            float[] v = embedder.embed(text);
            assertEquals(c.get("vector").size(), v.length);
            for (int d = 0; d < v.length; d++) {
                assertEquals(c.get("vector").get(d).floatValue(), v[d], 1e-4, "dimension " + d + " of: " + text);
            }
        }
    }

    @Test
    void vectorsAreUnitLength() {
        for (OnnxEmbedder e : List.of(minilm, bge)) {
            float[] v = e.embed("Unit length, please.");
            assertEquals(384, e.dimensions());
            assertEquals(1.0, dot(v, v), 1e-5);
        }
    }

    @Test
    void paraphrasesScoreAboveUnrelatedPairs() {
        String[][] paraphrases = {
            {"How do I reset my password?", "I forgot my password, how can I change it?"},
            {"What is the capital of France?", "Which city is France's capital?"},
            {"Write a Python function that reverses a string.", "Give me Python code to reverse a string."},
        };
        String[] unrelated = {"The weather in Tokyo is rainy today.", "Recommend a good recipe for banana bread.",
            "Explain the causes of the First World War."};
        for (OnnxEmbedder e : List.of(minilm, bge)) {
            for (String[] pair : paraphrases) {
                double same = dot(e.embed(pair[0]), e.embed(pair[1]));
                for (String other : unrelated) {
                    double diff = dot(e.embed(pair[0]), e.embed(other));
                    assertTrue(same > diff + 0.1, e.modelId() + ": '" + pair[1] + "' " + same + " vs '" + other + "' " + diff);
                }
            }
        }
    }

    @Test
    void longPromptsKeepHeadAndTailOfTheWindow() {
        String head = "Summarize the following report about renewable energy adoption in northern Europe. ";
        String tail = " Question: which country grew fastest?";
        String filler = "wind solar hydro ".repeat(200);
        String middleA = filler + "Denmark doubled offshore capacity. " + filler;
        String middleB = filler + "Coal use rose sharply in Poland. " + filler;
        OnnxEmbedder e = minilm;
        String a = head + middleA + tail;
        assertTrue(e.tokenCount(a) > 256);
        assertTrue(e.truncates(a));
        assertFalse(e.truncates(head + tail));
        long[] ids = e.tokenIds(a);
        assertEquals(256, ids.length);
        long[] full = e.tokenIds(head + tail);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[255]);
        for (int i = 0; i < 6; i++) {
            assertEquals(full[i], ids[i], "head token " + i);
            assertEquals(full[full.length - 1 - i], ids[255 - i], "tail token " + i);
        }
        // Only the middle differs: same vector. The tail differs: different vector.
        assertArrayEquals(e.embed(a), e.embed(head + middleB + tail), 1e-6f);
        assertNotEquals(dot(e.embed(a), e.embed(head + middleA + " Question: which country shrank?")), 1.0, 1e-4);
    }

    @Test
    void hugeInputsAreCutBeforeTokenizing() {
        String huge = "begin " + "xy ".repeat(1_000_000) + " end";
        long[] ids = minilm.tokenIds(huge);
        assertEquals(256, ids.length);
        assertTrue(minilm.truncates(huge));
        assertEquals(1.0, dot(minilm.embed(huge), minilm.embed(huge)), 1e-5);
    }

    @Test
    void smallerWindowIsPartOfTheModelId() {
        try (OnnxEmbedder e = new OnnxEmbedder(OnnxEmbedderConfig.custom().maxTokens(32).memoMaxBytes(0).build())) {
            assertEquals("all-minilm-l6-v2-q-t32", e.modelId());
            assertEquals(32, e.tokenIds("word ".repeat(100)).length);
        }
    }

    @Test
    void batchMatchesSingle() {
        List<String> texts = List.of("short", "a somewhat longer sentence about routing requests",
                "What is the capital of France?", "How do I reset my password?");
        try (OnnxEmbedder fresh = new OnnxEmbedder(OnnxEmbedderConfig.custom().memoMaxBytes(0).build())) {
            List<float[]> batch = fresh.embedAll(texts);
            assertEquals(texts.size(), batch.size());
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(fresh.embed(texts.get(i)), batch.get(i), 0f, texts.get(i));
            }
        }
        // Real batches: the quantized models scale activations per batch tensor, so batch-mates shift a vector a little.
        try (OnnxEmbedder batching = new OnnxEmbedder(OnnxEmbedderConfig.custom().memoMaxBytes(0).maxBatch(8).build())) {
            List<float[]> batch = batching.embedAll(texts);
            for (int i = 0; i < texts.size(); i++) {
                double cos = dot(batch.get(i), batching.embed(texts.get(i)));
                assertTrue(cos > 0.97, texts.get(i) + ": " + cos);
            }
        }
    }

    @Test
    void memoizedVectorsAreCopies() {
        float[] first = minilm.embed("memo me");
        first[0] = 42;
        assertNotEquals(42f, minilm.embed("memo me")[0]);
        assertNotEquals(42f, minilm.embedAll(List.of("memo me")).get(0)[0]);
    }

    @Test
    void concurrentUseFromManyThreadsGivesTheSingleThreadedVectors() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add("Concurrent prompt number " + i + " about " + (i % 2 == 0 ? "math" : "cooking"));
        }
        try (OnnxEmbedder e = new OnnxEmbedder(OnnxEmbedderConfig.custom().memoMaxBytes(0).build())) {
            List<float[]> expected = new ArrayList<>();
            for (String t : texts) {
                expected.add(e.embed(t));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int th = 0; th < 8; th++) {
                    int offset = th;
                    futures.add(pool.submit(() -> {
                        for (int k = 0; k < texts.size(); k++) {
                            int i = (k + offset) % texts.size();
                            assertArrayEquals(expected.get(i), e.embed(texts.get(i)), 1e-6f, texts.get(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void useAfterCloseFailsCleanly() {
        OnnxEmbedder e = new OnnxEmbedder();
        e.embed("before");
        e.close();
        e.close();
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> e.embed("after"));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> e.embedAll(List.of("after")));
        assertThrows(IllegalStateException.class, () -> e.tokenCount("after"));
        assertThrows(IllegalStateException.class, () -> e.tokenIds("after"));
    }

    @Test
    void nullTextIsRejectedWithoutCrashingTheJvm() {
        // The native tokenizer aborts the whole JVM on a null string: it must never see one.
        assertThrows(NullPointerException.class, () -> minilm.tokenCount(null));
        assertThrows(NullPointerException.class, () -> minilm.tokenIds(null));
        assertThrows(NullPointerException.class, () -> minilm.truncates(null));
        assertEquals(2, minilm.tokenCount(""));
    }

    @Test
    void truncatesAfterCloseFailsCleanlyEvenForHugeTexts() {
        OnnxEmbedder e = new OnnxEmbedder();
        e.close();
        assertThrows(IllegalStateException.class, () -> e.truncates("short"));
        assertThrows(IllegalStateException.class, () -> e.truncates("x ".repeat(10_000)));
    }

    @Test
    void loadsAnyModelFromFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path onnx = dir.resolve("model.onnx");
        java.nio.file.Path tokenizer = dir.resolve("tokenizer.json");
        try (InputStream a = OnnxEmbedderTest.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx");
             InputStream b = OnnxEmbedderTest.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            java.nio.file.Files.copy(a, onnx);
            java.nio.file.Files.copy(b, tokenizer);
        }
        EmbeddingModel model = EmbeddingModel.fromFiles("my-minilm", onnx, tokenizer, Pooling.MEAN, 256);
        try (OnnxEmbedder e = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(model).build())) {
            assertEquals("my-minilm", e.modelId());
            assertArrayEquals(minilm.embed("from a file"), e.embed("from a file"), 1e-6f);
        }
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModel.fromFiles("x", dir.resolve("missing.onnx"), tokenizer, Pooling.CLS, 512));
    }

    @Test
    void configRejectsAWindowLargerThanTheModels() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> OnnxEmbedderConfig.custom().maxTokens(1000).build());
        assertTrue(ex.getMessage().contains("1000"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxEmbedderConfig.custom().intraOpThreads(0).build());
    }

    @Test
    void serviceLoaderFindsTheDefaultEmbedder() {
        Embedder e = ServiceLoader.load(Embedder.class).findFirst().orElseThrow();
        try (e) {
            assertInstanceOf(OnnxEmbedder.class, e);
            assertEquals("all-minilm-l6-v2-q", e.modelId());
        }
    }

    @Test
    void promptTextIsTheLastUserTurn() {
        ChatRequest r = ChatRequest.of(List.of(Message.system("You are terse."), Message.user("first question"),
                Message.assistant("answer"), Message.user("follow-up")));
        assertEquals("follow-up", PromptText.of(r));
        assertEquals("only the assistant spoke", PromptText.of(ChatRequest.of(List.of(Message.system("sys"),
                Message.assistant("only the assistant spoke")))));
    }

    @Test
    void promptTextOfAnImageOnlyLastUserTurnIsNotAnEarlierMessage() {
        // The last user turn has no text: its text ("") is what is asked now, not the assistant's previous answer.
        ChatRequest r = ChatRequest.of(List.of(Message.user("Tell me a joke."),
                Message.assistant("Why did the chicken cross the road?"),
                Message.user(List.of(ContentPart.Image.ofUrl("https://example.com/cat.png")))));
        assertEquals("", PromptText.of(r));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
