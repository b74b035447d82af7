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

    @Test
    void numbersInsideAWordAreCompared() {
        // CJK text has no spaces, so its numbers sit inside one token; so do model and product names.
        assertEquals(NUMBERS, guard.check("第10章的内容是什么", "第100章的内容是什么"));
        assertEquals(NUMBERS, guard.check("价格是10元吗", "价格是100元吗"));
        assertEquals(NUMBERS, guard.check("Is the iPhone13 waterproof?", "Is the iPhone14 waterproof?"));
        assertEquals(NUMBERS, guard.check("GPT4 pricing per token", "GPT5 pricing per token"));
    }

    @Test
    void aNegativeNumberIsNotItsAbsoluteValue() {
        assertEquals(NUMBERS, guard.check("What is -40 degrees in Fahrenheit?", "What is 40 degrees in Fahrenheit?"));
        assertEquals(NUMBERS, guard.check("Is a balance of \u22125 dollars a problem?", "Is a balance of 5 dollars a problem?"));
        // ranges and phone numbers keep their hyphen as a separator
        assertEquals(COMPATIBLE, guard.check("Sleep 7-9 hours a night?", "sleep 7-9 hours a night?"));
    }

    @Test
    void aDecimalCommaIsNotAThousandsSeparator() {
        assertEquals(NUMBERS, guard.check("Can I take 1,5 tablets?", "Can I take 15 tablets?"));
        assertEquals(COMPATIBLE, guard.check("Price of 1,000 shares", "price of 1000 shares"));
        assertEquals(COMPATIBLE, guard.check("Population 1,234,567", "population 1234567"));
    }

    @Test
    void scaleWordsAreNumbers() {
        assertEquals(NUMBERS, guard.check("How much is 2 million dollars in euros?", "How much is 2 billion dollars in euros?"));
        assertEquals(NUMBERS, guard.check("Is a hundred dollars a good tip?", "Is a thousand dollars a good tip?"));
        assertEquals(COMPATIBLE, guard.check("a dataset with several thousand audio files",
                "a dataset with thousands of audio files"));
        assertEquals(COMPATIBLE, guard.check("datasets in over 100 languages", "datasets in more than one hundred languages"));
        // Without a count a scale word is vague, not a number.
        assertEquals(COMPATIBLE, guard.check("if you have hundreds or thousands of files", "if you have a large number of files"));
    }

    @Test
    void contractionsWrittenWithoutTheApostropheAreNegations() {
        assertEquals(NEGATION, guard.check("Why cant I sleep at night?", "Why can I sleep at night?"));
        assertEquals(NEGATION, guard.check("Why doesnt my code compile?", "Why does my code compile?"));
        assertEquals(NEGATION, guard.check("I dont want ads", "I want ads"));
        assertEquals(COMPATIBLE, guard.check("Why cant I sleep?", "Why can't I sleep?"));
    }
}
