package dev.junction.engine.internal;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.TaskCategory;

import java.util.Map;

/**
 * The default quality predictor: detects the prompt's task category with cheap markers and answers the catalog's
 * quality score of the model for that category.
 *
 * <p>Markers, checked in order: a prompt over {@value #LONG_CONTEXT_TOKENS} tokens is LONG_CONTEXT; a code fence or
 * code keywords make CODING; math symbols, LaTeX or math words make MATH; mostly non-Latin letters make
 * MULTILINGUAL; reasoning words ("prove", "step by step", "why") make REASONING; anything else is GENERAL. A model
 * without a score for the category falls back to its GENERAL score, then to {@link Router#PRIOR_QUALITY}.
 * Difficulty is a crude proxy (longer prompts are harder). Stateless and thread-safe.
 */
public final class CatalogQualityPredictor implements QualityPredictor {
    /** Prompts longer than this many tokens are LONG_CONTEXT. */
    public static final int LONG_CONTEXT_TOKENS = 32_000;
    /** Characters of the prompt scanned for markers: 4,096. */
    public static final int MARKER_SCAN_CHARS = 4096;

    private static final String[] CODE_MARKERS = {"```", "def ", "public class", "function ", "#include", "import ",
        "select ", "console.log", "stack trace", "traceback", "compile", "regex", "python", "java", "javascript",
        "typescript", " rust ", "golang", "sql", "bug", "refactor"};
    private static final String[] MATH_MARKERS = {"\\frac", "\\sum", "\\int", "$$", "equation", "integral",
        "derivative", "solve for", "prime", "probability", "theorem", "how many", "calculate", "compute"};
    private static final String[] REASONING_MARKERS = {"step by step", "prove", "why ", "explain why", "reason",
        "logic", "puzzle", "deduce", "infer"};

    @Override
    public String embedderId() {
        return null; // reads no embedding
    }

    @Override
    public PromptAssessment assess(ChatRequest request, float[] embedding) {
        int tokens = TokenEstimator.estimate(request);
        String text = request.lastUserText();
        TaskCategory category = detect(text, tokens);
        double difficulty = Math.min(1.0, Math.log1p(tokens) / Math.log1p(LONG_CONTEXT_TOKENS));
        return new PromptAssessment(category, difficulty, tokens, embedding);
    }

    /** The task category that the markers in {@code text} suggest. */
    public static TaskCategory detect(String text, int tokens) {
        if (tokens > LONG_CONTEXT_TOKENS) {
            return TaskCategory.LONG_CONTEXT;
        }
        // Markers are looked for in the first MARKER_SCAN_CHARS characters, lower-cased once.
        String original = text.length() > MARKER_SCAN_CHARS ? text.substring(0, MARKER_SCAN_CHARS) : text;
        text = original.toLowerCase(java.util.Locale.ROOT);
        if (containsAny(text, CODE_MARKERS)) {
            return TaskCategory.CODING;
        }
        if (mathy(text)) {
            return TaskCategory.MATH;
        }
        if (mostlyNonLatin(text)) {
            return TaskCategory.MULTILINGUAL;
        }
        if (containsAny(text, REASONING_MARKERS)) {
            return TaskCategory.REASONING;
        }
        return TaskCategory.GENERAL;
    }

    @Override
    public double predict(PromptAssessment prompt, ModelDescriptor model) {
        Map<TaskCategory, Double> q = model.quality();
        if (q.isEmpty()) {
            return Router.PRIOR_QUALITY;
        }
        Double v = q.get(prompt.category());
        if (v == null) {
            v = q.get(TaskCategory.GENERAL);
        }
        return v == null ? Router.PRIOR_QUALITY : v;
    }

    /** Whether the lower-cased text contains one of the (lower-case) markers. */
    private static boolean containsAny(String text, String[] markers) {
        for (String m : markers) {
            if (text.contains(m)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mathy(String text) {
        if (containsAny(text, MATH_MARKERS)) {
            return true;
        }
        int digits = 0;
        int operators = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digits++;
            } else if (ch == '+' || ch == '*' || ch == '/' || ch == '=' || ch == '^' || ch == '√' || ch == '∫') {
                operators++;
            }
        }
        return digits >= 2 && operators >= 2;
    }

    private static boolean mostlyNonLatin(String text) {
        int letters = 0;
        int nonLatin = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isLetter(ch)) {
                letters++;
                if (ch > 0x24F) {
                    nonLatin++;
                }
            }
        }
        return letters > 0 && nonLatin * 2 > letters;
    }
}
