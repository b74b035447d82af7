package dev.junction.embeddings.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityWeightsTest {

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws IOException {
        QualityWeights w = TestWeights.random(7);
        Path file = dir.resolve("w.bin");
        w.write(file);
        assertSame(w, QualityWeights.read(file));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        QualityWeights.read(file).write(again);
        assertArrayEquals(Files.readAllBytes(file), again.toByteArray());
    }

    @Test
    void shippedWeightsLoadAndNameTheirHeads() {
        QualityWeights w = QualityWeights.loadDefault();
        assertEquals("all-minilm-l6-v2-q", w.embedderId());
        assertEquals(384, w.embeddingDims());
        assertEquals("default", w.heads().get(0).name());
        for (int f = 0; f < 5; f++) {
            assertTrue(w.head("fold-" + f).trainedOn().contains("without fold " + f), w.head("fold-" + f).trainedOn());
        }
        assertTrue(!w.head("default").trainedOn().contains("mt-bench") || w.head("default").trainedOn().contains("never mt-bench"));
    }

    @Test
    void rejectsOtherFilesAndVersions() throws IOException {
        assertThrows(IOException.class, () -> QualityWeights.read(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 0, 0, 0, 1})));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestWeights.random(1).write(out);
        byte[] bytes = out.toByteArray();
        bytes[7] = 99;
        IOException e = assertThrows(IOException.class, () -> QualityWeights.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void olderFormatVersionsAskToBeRetrained() throws IOException {
        for (byte version = 1; version < QualityWeights.FORMAT_VERSION; version++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TestWeights.random(1).write(out);
            byte[] bytes = out.toByteArray();
            bytes[7] = version;
            IOException e = assertThrows(IOException.class, () -> QualityWeights.read(new ByteArrayInputStream(bytes)));
            assertTrue(e.getMessage().contains("version " + version) && e.getMessage().contains("retrain"), e.getMessage());
        }
    }

    @Test
    void readOutMustMatchTheInputLength() {
        QualityWeights w = TestWeights.random(3);
        // A version-2 read-out, over the embedding alone, is refused as well.
        for (int length : new int[] {w.embeddingDims(), w.inputs() + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TestWeights.withReadOut(w, "b", new float[length]));
            assertTrue(e.getMessage().contains("readOut has " + length + " values, expected 0 or " + w.inputs()),
                    e.getMessage());
        }
    }

    @Test
    void aFileWithAnotherFeatureCountIsRefusedWithAHintToRetrain() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestWeights.random(1).write(out);
        byte[] bytes = out.toByteArray();
        // magic, version, embedder id (2-byte length + "embedder-x"), dims: the feature count follows.
        int at = 4 + 4 + 2 + "embedder-x".length() + 4;
        bytes[at + 3] = 7;
        IOException e = assertThrows(IOException.class, () -> QualityWeights.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("7 prompt features") && e.getMessage().contains("retrain"), e.getMessage());
    }

    @Test
    void unknownHeadNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestWeights.random(2).head("nope"));
        assertTrue(e.getMessage().contains("fold-0"), e.getMessage());
    }

    static void assertSame(QualityWeights a, QualityWeights b) {
        assertEquals(a.embedderId(), b.embedderId());
        assertEquals(a.embeddingDims(), b.embeddingDims());
        assertArrayEquals(a.embeddingMean(), b.embeddingMean());
        assertArrayEquals(a.featureMean(), b.featureMean());
        assertArrayEquals(a.featureStd(), b.featureStd());
        assertEquals(a.foldRule(), b.foldRule());
        assertEquals(a.heads().size(), b.heads().size());
        for (int h = 0; h < a.heads().size(); h++) {
            QualityWeights.Head x = a.heads().get(h);
            QualityWeights.Head y = b.heads().get(h);
            assertEquals(x.name(), y.name());
            assertEquals(x.trainedOn(), y.trainedOn());
            assertEquals(x.hidden(), y.hidden());
            assertArrayEquals(x.w1(), y.w1());
            assertArrayEquals(x.b1(), y.b1());
            assertArrayEquals(x.w2(), y.w2());
            assertEquals(x.b2(), y.b2());
            assertArrayEquals(x.zQuantiles(), y.zQuantiles());
            assertEquals(x.models().size(), y.models().size());
            for (int m = 0; m < x.models().size(); m++) {
                assertEquals(x.models().get(m).name(), y.models().get(m).name());
                assertEquals(x.models().get(m).discrimination(), y.models().get(m).discrimination());
                assertArrayEquals(x.models().get(m).abilityByCategory(), y.models().get(m).abilityByCategory());
                assertEquals(x.models().get(m).meanCostUsd(), y.models().get(m).meanCostUsd());
                assertArrayEquals(x.models().get(m).readOut(), y.models().get(m).readOut());
            }
        }
    }
}
