package dev.junction.cache;

import org.junit.jupiter.api.Test;

import static dev.junction.cache.PromptGuard.Verdict.COMPATIBLE;
import static dev.junction.cache.PromptGuard.Verdict.DATES;
import static dev.junction.cache.PromptGuard.Verdict.ENTITIES;
import static dev.junction.cache.PromptGuard.Verdict.NEGATION;
import static dev.junction.cache.PromptGuard.Verdict.NUMBERS;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PromptGuardTest {
    private final PromptGuard guard = PromptGuard.standard();

    @Test
    void paraphrasesPass() {
        assertEquals(COMPATIBLE, guard.check("How do I learn Python quickly?", "What is the fastest way to learn python?"));
        assertEquals(COMPATIBLE, guard.check("Hugging Face Hub is a platform to host Git-based models.",
                "Hugging Face Hub serves as a repository for Git-based models."));
        assertEquals(COMPATIBLE, guard.check("Which one is better?", "Which is better?"));
        assertEquals(COMPATIBLE, guard.check("Why isn't it working?", "Why is it not working?"));
        assertEquals(COMPATIBLE, guard.check("What Is The Best Way To Learn Guitar", "How can I learn to play guitar well?"));
    }

    @Test
    void negationDifferencesAreRefused() {
        assertEquals(NEGATION, guard.check("You're fat.", "You're not fat."));
        assertEquals(NEGATION, guard.check("Can I take it with food?", "Can't I take it with food?"));
        assertEquals(NEGATION, guard.check("I cannot sleep at night", "I sleep at night"));
    }

    @Test
    void numberDifferencesAreRefused() {
        assertEquals(NUMBERS, guard.check("Convert 100 USD to EUR", "Convert 200 USD to EUR"));
        assertEquals(NUMBERS, guard.check("Top three movies of 2019", "Top five movies of 2019"));
        assertEquals(COMPATIBLE, guard.check("Price of 1,000 shares", "price of 1000 shares"));
    }

    @Test
    void versionsCompareAsWrittenWhateverTheirPrefix() {
        assertEquals(NUMBERS, guard.check("What is new in Python 3.10?", "What is new in Python 3.1?"));
        assertEquals(COMPATIBLE, guard.check("It is not available in version 2.10.0.", "No, it doesn't exist in v2.10.0."));
        assertEquals(NUMBERS, guard.check("Breaking changes in v2.10.0", "Breaking changes in v2.11.0"));
        assertEquals(COMPATIBLE, guard.check("Upgrade to Java 21.0", "upgrade to java 21"));
    }

    @Test
    void dateDifferencesAreRefused() {
        assertEquals(DATES, guard.check("Weather in Paris tomorrow", "Weather in Paris today"));
        assertEquals(DATES, guard.check("Events in January", "Events in March"));
        assertEquals(COMPATIBLE, guard.check("Events in Jan", "events in january"));
    }

    @Test
    void namedEntityDifferencesAreRefused() {
        assertEquals(ENTITIES, guard.check("How do I learn Python?", "How do I learn Java?"));
        assertEquals(ENTITIES, guard.check("What is the capital of France?", "What is the capital of Germany?"));
        assertEquals(ENTITIES, guard.check("Is AWS cheaper?", "Is GCP cheaper?"));
    }
}
