package dev.junction.embeddings.eval;

import java.util.Objects;

/**
 * One evaluation prompt with the observed quality of the weak and the strong model's answers.
 *
 * @param benchmark {@code mmlu}, {@code gsm8k} or {@code mt-bench}
 * @param subject   the MMLU subject or MT-Bench category; the benchmark name otherwise
 * @param prompt    the prompt text (MT-Bench: the first turn, which is what a router sees)
 * @param weak      the weak model's quality: 0/1 correctness, or the mean 1-10 judge score over both MT-Bench turns
 * @param strong    the strong model's quality, on the same scale
 */
public record RoutedPrompt(String benchmark, String subject, String prompt, double weak, double strong) {
    public RoutedPrompt {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(prompt, "prompt");
    }
}
