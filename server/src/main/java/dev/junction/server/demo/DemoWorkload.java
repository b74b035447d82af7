package dev.junction.server.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The demo's mixed workload: easy, medium and hard prompts, asked again verbatim and in paraphrase, in a seeded
 * random order (repeatable).
 */
final class DemoWorkload {

    /** A prompt's difficulty, as the workload's author labelled it (the engine does not see this label). */
    enum Tier { EASY, MEDIUM, HARD }

    /**
     * One request of the workload.
     *
     * @param tier   the author's label
     * @param topic  which base question it asks (paraphrases share the topic)
     * @param prompt the text sent
     */
    record Item(Tier tier, int topic, String prompt) {
    }

    private static final String[][] EASY = {
        {"What is the capital of France?", "Which city is the capital of France?", "Tell me the capital city of France."},
        {"How many days are in a week?", "How many days does a week have?"},
        {"Translate 'good morning' into Spanish.", "How do you say good morning in Spanish?"},
        {"What color do you get by mixing blue and yellow?", "Mixing blue and yellow paint gives which color?"},
        {"Who wrote Romeo and Juliet?", "Who is the author of Romeo and Juliet?"},
        {"What is the boiling point of water in Celsius?", "At what temperature in Celsius does water boil?"},
    };

    private static final String[][] MEDIUM = {
        {"Summarize the main causes of the French Revolution in three bullet points.",
            "Give three bullet points on why the French Revolution happened."},
        {"Write a Python function that checks whether a string is a palindrome.",
            "Write Python code to test if a string reads the same backwards."},
        {"Explain the difference between TCP and UDP for a junior developer."},
        {"Compare renting and buying a home for someone who moves every two years."},
    };

    private static final String[][] HARD = {
        {"Prove that there are infinitely many prime numbers of the form 4k+3."},
        {"Design a lock-free multi-producer single-consumer queue in C++ and argue why it is linearizable."},
        {"Find all integer solutions of x^2 - 7y^2 = 1 and explain the method, including the fundamental solution."},
        {"Analyze the time complexity of Dijkstra's algorithm with a Fibonacci heap versus a binary heap, "
            + "and explain when each is faster in practice on sparse and dense graphs."},
        {"A train leaves at 3pm at 80 km/h and another follows at 4pm at 100 km/h on the same track; derive when and "
            + "where the second overtakes the first, then generalize the result to n trains with given speeds."},
    };

    private DemoWorkload() {
    }

    /** The workload: every phrasing once, easy ones twice more, medium ones once more, in a seeded order. */
    static List<Item> items(long seed) {
        List<Item> items = new ArrayList<>();
        add(items, Tier.EASY, EASY, 3);
        add(items, Tier.MEDIUM, MEDIUM, 2);
        add(items, Tier.HARD, HARD, 2);
        Collections.shuffle(items, new Random(seed));
        return items;
    }

    private static void add(List<Item> items, Tier tier, String[][] topics, int repeats) {
        for (int t = 0; t < topics.length; t++) {
            String[] phrasings = topics[t];
            for (String p : phrasings) {
                items.add(new Item(tier, t, p));
            }
            for (int r = 1; r < repeats; r++) {
                items.add(new Item(tier, t, phrasings[0]));
            }
        }
    }
}
