package dev.junction.cache.eval;

import dev.junction.spi.Embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Bag-of-words hashed into 64 dimensions and L2-normalized: texts sharing words are similar. */
final class FakeEmbedder implements Embedder {
    @Override
    public String modelId() {
        return "fake-bow-64";
    }

    @Override
    public int dimensions() {
        return 64;
    }

    @Override
    public float[] embed(String text) {
        float[] v = new float[64];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")) {
            if (!w.isEmpty()) {
                v[Math.floorMod(w.hashCode(), 64)] += 1;
            }
        }
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        float inv = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(embed(t));
        }
        return out;
    }

    @Override
    public void close() {
    }
}
