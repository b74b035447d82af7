package dev.junction.embeddings.quality;

import dev.junction.spi.TaskCategory;

/**
 * Cheap features of a prompt's text that the embedding does not carry well: length, digits, code and math markers,
 * multiple-choice layout and script; and the task category they suggest.
 *
 * <p>One pass over the characters, no allocation beyond the result. Stateless and thread-safe.
 */
public final class PromptFeatures {

    /** The number of features {@link #extract} writes. */
    public static final int COUNT = 7;

    /** Prompts longer than this many estimated tokens are {@link TaskCategory#LONG_CONTEXT}. */
    public static final int LONG_CONTEXT_TOKENS = 8_000;

    private PromptFeatures() {
    }

    /**
     * Writes the features of {@code text} into {@code out[0..COUNT)}: log length, digit share, code markers, math
     * markers, multiple-choice layout, non-ASCII letter share, log line count.
     */
    public static void extract(String text, float[] out) {
        int n = text.length();
        int digits = 0;
        int letters = 0;
        int nonAscii = 0;
        int lines = 1;
        int mathOps = 0;
        int codeMarks = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (Character.isLetter(c)) {
                letters++;
                if (c > 127) {
                    nonAscii++;
                }
            } else if (c == '\n') {
                lines++;
            } else if (c == '=' || c == '+' || c == '^' || c == '*' || c == '/' || c == '$' || c == '%') {
                mathOps++;
            } else if (c == '{' || c == '}' || c == ';' || c == '`') {
                codeMarks++;
            }
        }
        out[0] = (float) Math.log1p(n);
        out[1] = n == 0 ? 0 : (float) digits / n;
        out[2] = (float) Math.log1p(codeMarks + (text.contains("```") ? 5 : 0) + (text.contains("def ") ? 2 : 0));
        out[3] = (float) Math.log1p(mathOps);
        out[4] = text.contains("\nA.") && text.contains("\nB.") ? 1f : 0f;
        out[5] = letters == 0 ? 0 : (float) nonAscii / letters;
        out[6] = (float) Math.log(lines);
    }

    /** The task category the text suggests; {@code estimatedTokens} from {@link #estimateTokens}. */
    public static TaskCategory category(String text, int estimatedTokens) {
        if (estimatedTokens > LONG_CONTEXT_TOKENS) {
            return TaskCategory.LONG_CONTEXT;
        }
        int n = text.length();
        int digits = 0;
        int letters = 0;
        int nonAscii = 0;
        int mathOps = 0;
        int codeMarks = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (Character.isLetter(c)) {
                letters++;
                if (c > 127) {
                    nonAscii++;
                }
            } else if (c == '=' || c == '+' || c == '^' || c == '*' || c == '$') {
                mathOps++;
            } else if (c == '{' || c == '}' || c == ';') {
                codeMarks++;
            }
        }
        if (letters > 0 && nonAscii * 3 > letters) {
            return TaskCategory.MULTILINGUAL;
        }
        if (text.contains("```") || codeMarks >= 4 || text.contains("def ") || text.contains("#include")
                || text.contains("function ") || text.contains("public static")) {
            return TaskCategory.CODING;
        }
        if (mathOps >= 2 || digits >= 3 && digits * 20 > n) {
            return TaskCategory.MATH;
        }
        return TaskCategory.GENERAL;
    }

    /** A quick token estimate: four characters a token, as the common rule of thumb for English BPE vocabularies. */
    public static int estimateTokens(String text) {
        return (text.length() + 3) / 4;
    }
}
