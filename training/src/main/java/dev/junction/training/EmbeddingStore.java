package dev.junction.training;

import dev.junction.embeddings.eval.RoutedPrompt;
import dev.junction.embeddings.eval.RouterEvaluation;
import dev.junction.spi.Embedder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeddings of training prompts, kept in a local file (under {@code target/}) so that re-training does not re-embed.
 * The file is keyed by embedder id and exact prompt text; it is a build artefact, never committed.
 */
final class EmbeddingStore {

    private EmbeddingStore() {
    }

    static List<float[]> embed(Embedder embedder, List<RoutedPrompt> prompts, Path cacheFile) throws IOException {
        Map<String, float[]> cache = new HashMap<>();
        if (Files.exists(cacheFile)) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cacheFile)))) {
                if (in.readUTF().equals(embedder.modelId())) {
                    while (true) {
                        String text;
                        try {
                            text = in.readUTF();
                        } catch (EOFException end) {
                            break;
                        }
                        float[] v = new float[in.readInt()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = in.readFloat();
                        }
                        cache.put(text, v);
                    }
                }
            }
        }
        List<RoutedPrompt> missing = new ArrayList<>();
        for (RoutedPrompt p : prompts) {
            if (!cache.containsKey(key(p.prompt()))) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            System.out.println("embedding " + missing.size() + " prompts with " + embedder.modelId());
            long t0 = System.nanoTime();
            List<float[]> vectors = RouterEvaluation.embedAll(embedder, missing);
            System.out.printf("  %.1f s%n", (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < missing.size(); i++) {
                cache.put(key(missing.get(i).prompt()), vectors.get(i));
            }
            Files.createDirectories(cacheFile.toAbsolutePath().getParent());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(cacheFile)))) {
                out.writeUTF(embedder.modelId());
                for (Map.Entry<String, float[]> e : cache.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (float x : e.getValue()) {
                        out.writeFloat(x);
                    }
                }
            }
        }
        List<float[]> out = new ArrayList<>(prompts.size());
        for (RoutedPrompt p : prompts) {
            out.add(cache.get(key(p.prompt())));
        }
        return out;
    }

    /** writeUTF takes at most 65,535 bytes: long prompts are keyed by a prefix plus their hash and length. */
    private static String key(String prompt) {
        return prompt.length() <= 16_000 ? prompt
                : prompt.substring(0, 16_000) + "#" + prompt.hashCode() + ":" + prompt.length();
    }
}
