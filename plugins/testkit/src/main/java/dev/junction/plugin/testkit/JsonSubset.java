package dev.junction.plugin.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * Asserts that a JSON document contains another: every field of an expected object is present with a matching
 * value, arrays match element by element and have the same length, scalars are equal. Lets request fixtures name the
 * fields that matter and ignore the rest. Stateless.
 */
public final class JsonSubset {
    private JsonSubset() {
    }

    /** Throws an {@link AssertionError} naming the first path where {@code actual} does not contain {@code expected}. */
    public static void assertContains(JsonNode expected, JsonNode actual) {
        String mismatch = mismatch(expected, actual, "$");
        if (mismatch != null) {
            throw new AssertionError("request body differs from its fixture at " + mismatch + "\nactual: " + actual);
        }
    }

    private static String mismatch(JsonNode expected, JsonNode actual, String path) {
        if (actual == null || actual.isMissingNode()) {
            return path + " (missing; expected " + expected + ")";
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return path + " (expected an object, was " + actual + ")";
            }
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                String m = mismatch(e.getValue(), actual.get(e.getKey()), path + "." + e.getKey());
                if (m != null) {
                    return m;
                }
            }
            return null;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return path + " (expected an array of " + expected.size() + ", was " + actual + ")";
            }
            for (int i = 0; i < expected.size(); i++) {
                String m = mismatch(expected.get(i), actual.get(i), path + "[" + i + "]");
                if (m != null) {
                    return m;
                }
            }
            return null;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? null
                    : path + " (expected " + expected + ", was " + actual + ")";
        }
        return expected.equals(actual) ? null : path + " (expected " + expected + ", was " + actual + ")";
    }
}
