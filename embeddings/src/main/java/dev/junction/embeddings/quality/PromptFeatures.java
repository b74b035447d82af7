package dev.junction.embeddings.quality;

import dev.junction.spi.TaskCategory;

/**
 * Cheap features of a prompt's text that the embedding does not carry well: length, digits, code and math markers,
 * multiple-choice layout, script, and the shape of a word problem (how many quantities, sentences and steps it
 * strings together); and the task category they suggest.
 *
 * <p>One pass over the characters, no allocation beyond the result. Stateless and thread-safe.
 */
public final class PromptFeatures {

    /** The number of features {@link #extract} writes. */
    public static final int COUNT = 16;

    /** Prompts longer than this many estimated tokens are {@link TaskCategory#LONG_CONTEXT}. */
    public static final int LONG_CONTEXT_TOKENS = 8_000;

    private PromptFeatures() {
    }

    /**
     * Writes the features of {@code text}, standardized ({@code (f - mean) / std}), into {@code out[offset..offset +
     * COUNT)}: the features part of a quality head's input.
     */
    public static void extractStandardized(String text, float[] mean, float[] std, float[] out, int offset) {
        float[] f = new float[COUNT];
        extract(text, f);
        for (int i = 0; i < COUNT; i++) {
            out[offset + i] = (f[i] - mean[i]) / std[i];
        }
    }

    /**
     * Writes the features of {@code text} into {@code out[0..COUNT)}: log length, digit share, code markers, math
     * markers, multiple-choice layout, non-ASCII letter share, log line count; then, each as {@code log(1 + count)}:
     * words, numbers, sentence ends, percentages, multiplier words (half, third, quarter, twice, double, triple), rate
     * words (each, every, per), comparison words (more, less, fewer, than), step words (if, then, after, before,
     * remaining, rest, left) and dollar signs. The last nine say how many quantities and steps a word problem
     * chains, which is where a weaker model's arithmetic gives out (GSM8K) and which a sentence embedding blurs.
     */
    public static void extract(String text, float[] out) {
        int n = text.length();
        int digits = 0;
        int letters = 0;
        int nonAscii = 0;
        int lines = 1;
        int mathOps = 0;
        int codeMarks = 0;
        int words = 0;
        int numbers = 0;
        int sentences = 0;
        int percents = 0;
        int dollars = 0;
        int multipliers = 0;
        int rates = 0;
        int comparisons = 0;
        int steps = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            char prev = i == 0 ? ' ' : text.charAt(i - 1);
            if (!isSpace(c) && isSpace(prev)) {
                words++;
            }
            if (isDigit(c)) {
                digits++;
                // A number is a run of digits, with single '.' or ',' between digits ("1,250.5" is one).
                boolean continues = i >= 2 && (prev == '.' || prev == ',') && isDigit(text.charAt(i - 2));
                if (!isDigit(prev) && !continues) {
                    numbers++;
                }
            } else if (isLetter(c)) {
                letters++;
                if (c > 127) {
                    nonAscii++;
                }
                if (!isLetter(prev) && !isDigit(prev)) {
                    // A word starts: pack it lower-cased, five bits a letter; -1 once a letter is not a-z or it is too long.
                    long code = 0;
                    long percentPrefix = 0;
                    int end = i;
                    for (; end < n && isLetter(text.charAt(end)); end++) {
                        int l = text.charAt(end) | 0x20;
                        code = code == -1 || l < 'a' || l > 'z' || end - i >= MAX_KEYWORD ? -1 : code << 5 | l - 'a' + 1;
                        if (end - i == PERCENT.length() - 1) {
                            percentPrefix = code;
                        }
                    }
                    if (code > 0 && (end == n || !isDigit(text.charAt(end)))) {
                        switch (keywordGroup(code)) {
                            case 0 -> multipliers++;
                            case 1 -> rates++;
                            case 2 -> comparisons++;
                            case 3 -> steps++;
                            default -> { }
                        }
                    }
                    if (percentPrefix == PERCENT_CODE) {
                        percents++;
                    }
                }
            } else if (c == '\n') {
                lines++;
            } else if (c == '=' || c == '+' || c == '^' || c == '*' || c == '/' || c == '$' || c == '%') {
                mathOps++;
                if (c == '%') {
                    percents++;
                } else if (c == '$') {
                    dollars++;
                }
            } else if (c == '{' || c == '}' || c == ';' || c == '`') {
                codeMarks++;
            }
            if ((c == '.' || c == '?' || c == '!') && (i + 1 == n || isSpace(text.charAt(i + 1)))) {
                sentences++;
            }
        }
        out[0] = (float) Math.log1p(n);
        out[1] = n == 0 ? 0 : (float) digits / n;
        out[2] = log1p(codeMarks + (text.contains("```") ? 5 : 0) + (text.contains("def ") ? 2 : 0));
        out[3] = log1p(mathOps);
        out[4] = text.contains("\nA.") && text.contains("\nB.") ? 1f : 0f;
        out[5] = letters == 0 ? 0 : (float) nonAscii / letters;
        out[6] = (float) Math.log(lines);
        out[7] = log1p(words);
        out[8] = log1p(numbers);
        out[9] = log1p(sentences);
        out[10] = log1p(percents);
        out[11] = log1p(multipliers);
        out[12] = log1p(rates);
        out[13] = log1p(comparisons);
        out[14] = log1p(steps);
        out[15] = log1p(dollars);
    }

    /**
     * Whole words counted by {@link #extract}, one group per feature (11 to 14), matched ignoring case; and "percent"
     * as a word's start (feature 10).
     */
    private static final String[][] KEYWORDS = {
            {"half", "third", "quarter", "twice", "double", "triple"},
            {"each", "every", "per"},
            {"more", "less", "fewer", "than"},
            {"if", "then", "after", "before", "remaining", "rest", "left"},
    };
    private static final int MAX_KEYWORD = 9;
    private static final String PERCENT = "percent";
    private static final long PERCENT_CODE = code(PERCENT);
    /** Open addressing: a keyword's packed code at its hash slot or after it; 0 is an empty slot. */
    private static final long[] KEYWORD_CODES = new long[64];
    private static final int[] KEYWORD_GROUPS = new int[64];
    private static final float[] LOG1P = new float[256];

    static {
        for (int g = 0; g < KEYWORDS.length; g++) {
            for (String word : KEYWORDS[g]) {
                long code = code(word);
                int slot = slot(code);
                while (KEYWORD_CODES[slot] != 0) {
                    slot = slot + 1 & KEYWORD_CODES.length - 1;
                }
                KEYWORD_CODES[slot] = code;
                KEYWORD_GROUPS[slot] = g;
            }
        }
        for (int i = 0; i < LOG1P.length; i++) {
            LOG1P[i] = (float) Math.log1p(i);
        }
    }

    /** A lower-case a-z word of at most {@link #MAX_KEYWORD} letters packed as {@link #extract} packs one. */
    private static long code(String word) {
        long code = 0;
        for (int i = 0; i < word.length(); i++) {
            code = code << 5 | word.charAt(i) - 'a' + 1;
        }
        return code;
    }

    /** The group of the keyword packed as {@code code}, or -1. */
    private static int keywordGroup(long code) {
        for (int slot = slot(code); KEYWORD_CODES[slot] != 0; slot = slot + 1 & KEYWORD_CODES.length - 1) {
            if (KEYWORD_CODES[slot] == code) {
                return KEYWORD_GROUPS[slot];
            }
        }
        return -1;
    }

    private static int slot(long code) {
        return (int) (code * 0x9E3779B97F4A7C15L >>> 58);
    }

    private static float log1p(int count) {
        return count < LOG1P.length ? LOG1P[count] : (float) Math.log1p(count);
    }

    private static boolean isLetter(char c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z' || c > 127 && Character.isLetter(c);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c < ' ' && Character.isWhitespace(c) || c > 127 && Character.isWhitespace(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
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
