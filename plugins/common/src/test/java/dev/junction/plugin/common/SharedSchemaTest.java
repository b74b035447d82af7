package dev.junction.plugin.common;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedSchemaTest {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

    @Test
    void parsesEachDistinctTextOnce() {
        // An equal text from another request (a different String instance) gets the node parsed the first time.
        assertSame(Json.sharedObject(SCHEMA, "a"), Json.sharedObject(new String(SCHEMA.toCharArray()), "b"));
        assertEquals("object", Json.text(Json.sharedObject(SCHEMA, "a"), "type"));
    }

    @Test
    void refusesARememberedBadTextWithTheSameMessageAsTheFirstTime() {
        String broken = "{\"type\":\"object\",";
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
                () -> Json.sharedObject(broken, "the parameters schema of tool 'a'"));
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> Json.sharedObject(broken, "the parameters schema of tool 'b'"));
        assertTrue(first.getMessage().startsWith("the parameters schema of tool 'a' is not valid JSON: "), first.getMessage());
        assertEquals(first.getMessage().replace("'a'", "'b'"), again.getMessage());
        assertEquals("x must be a JSON object", assertThrows(IllegalArgumentException.class,
                () -> Json.sharedObject("[1, 2]", "x")).getMessage());
        assertEquals(" must be a JSON object", Json.notAnObject("[1, 2]"));
        assertEquals(first.getMessage(), "the parameters schema of tool 'a'" + Json.notAnObject(broken));
        assertNull(Json.notAnObject(SCHEMA));
    }

    @Test
    void textsTooLongToRememberAreStillCheckedEveryTime() {
        StringBuilder big = new StringBuilder("{\"description\":\"");
        big.append("x".repeat(Json.SHARED_MAX_CHARS));
        String valid = big + "\"}";
        String invalid = big.toString();
        assertEquals(1, Json.sharedObject(valid, "big").size());
        for (int i = 0; i < 2; i++) {
            assertThrows(IllegalArgumentException.class, () -> Json.sharedObject(invalid, "big"));
        }
    }

    @Test
    void staysCorrectAfterTheMemoIsClearedForBeingFull() {
        for (int i = 0; i < Json.SHARED_LIMIT * 2 + 3; i++) {
            String text = "{\"maxLength\":" + i + "}";
            assertEquals(i, Json.sharedObject(text, "t").get("maxLength").asInt());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.sharedObject("\"just a string\"", "t"));
    }

    @Test
    void toolNameCheckAgreesWithThePattern() {
        String valid = "azAZ09_-";
        String any = valid + ".$ /\u00e9@[`{";
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            // Half the names draw only from allowed characters, so both answers are exercised at every length.
            String alphabet = random.nextBoolean() ? valid : any;
            int length = random.nextInt(70);
            StringBuilder name = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = name.toString();
            assertEquals(RequestChecks.TOOL_NAME.matcher(s).matches(), RequestChecks.isToolName(s), s);
        }
        assertTrue(RequestChecks.isToolName("a".repeat(64)));
        assertEquals(false, RequestChecks.isToolName("a".repeat(65)));
        assertEquals(false, RequestChecks.isToolName(""));
    }
}
