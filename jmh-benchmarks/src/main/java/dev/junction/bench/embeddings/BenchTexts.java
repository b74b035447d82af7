package dev.junction.bench.embeddings;

import dev.junction.embeddings.OnnxEmbedder;

/** Prompts of an exact token count for the embedding benchmarks. */
final class BenchTexts {

    private static final String[] WORDS = ("routing requests between language models saves money when the cheap model "
            + "answers well and the expensive one is kept for the questions that need it such as proofs code reviews "
            + "and long documents about tax law").split(" ");

    private BenchTexts() {
    }

    /** A text that {@code embedder} tokenizes to exactly {@code tokens} ids, special tokens included. */
    static String ofTokens(OnnxEmbedder embedder, int tokens) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (true) {
            String next = sb.isEmpty() ? WORDS[0] : sb + " " + WORDS[i % WORDS.length];
            if (embedder.tokenCount(next) > tokens) {
                break;
            }
            sb.setLength(0);
            sb.append(next);
            i++;
        }
        if (embedder.tokenCount(sb.toString()) != tokens) {
            throw new IllegalStateException("could not build a text of " + tokens + " tokens");
        }
        return sb.toString();
    }
}
