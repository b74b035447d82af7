package dev.junction.embeddings.eval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Cross-validation folds fixed by a stable hash of the prompt text, the same in every JVM and on every machine. */
public final class Folds {

    /** The number of folds. */
    public static final int K = 5;
    /** The rule's name, recorded in weights files so an evaluation can check it uses the rule training used. */
    public static final String RULE = "sha256-utf8-first8-mod-" + K;

    private Folds() {
    }

    /** The fold of {@code prompt} in [0, K): the first 8 bytes of SHA-256 of its UTF-8 text, unsigned, mod K. */
    public static int of(String prompt) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (h[i] & 0xFF);
            }
            return (int) Long.remainderUnsigned(v, K);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The name of the head trained without fold {@code f}. */
    public static String headName(int fold) {
        return "fold-" + fold;
    }
}
