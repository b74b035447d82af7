package dev.junction.plugin.common;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a computation over a JSON text gave — its value, or the message of the {@link IllegalArgumentException} it
 * refused with — remembered per distinct text: {@code validate} runs for every candidate of every request and agent
 * loops resend the same schemas, so each text is worked on once. Bounded: texts over {@code maxChars} are never kept,
 * and once {@code limit} texts are kept the memo is cleared. Values are shared between threads: read them only.
 */
public final class TextMemo {
    private final int limit;
    private final int maxChars;
    private final ConcurrentHashMap<String, Object> memo = new ConcurrentHashMap<>();

    public TextMemo(int limit, int maxChars) {
        this.limit = limit;
        this.maxChars = maxChars;
    }

    /** {@code compute(text)}'s value, or its refusal's message as a {@link String}; remembered. */
    public Object get(String text, Function<String, ?> compute) {
        Object known = memo.get(text);
        if (known == null) {
            try {
                known = compute.apply(text);
            } catch (IllegalArgumentException e) {
                known = e.getMessage();
            }
            if (text.length() <= maxChars) {
                if (memo.size() >= limit) {
                    memo.clear();
                }
                memo.putIfAbsent(text, known);
            }
        }
        return known;
    }
}
