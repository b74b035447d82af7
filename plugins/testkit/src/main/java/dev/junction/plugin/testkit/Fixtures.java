package dev.junction.plugin.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a plugin's fixture files from its test class path: {@code <root>/<name>}.
 *
 * <p>{@code .sse} files hold a provider's event stream as it is sent on the wire; events are separated by a blank
 * line. Stateless and thread-safe.
 */
public final class Fixtures {
    private final Class<?> anchor;
    private final String root;

    /**
     * @param anchor a class whose loader sees the fixtures
     * @param root   the resource folder, e.g. {@code /fixtures/openai}
     */
    public Fixtures(Class<?> anchor, String root) {
        this.anchor = anchor;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    /** Whether a fixture exists. */
    public boolean exists(String name) {
        return anchor.getResource(root + "/" + name) != null;
    }

    /** The fixture's text; fails the test when it is missing. */
    public String text(String name) {
        try (InputStream in = anchor.getResourceAsStream(root + "/" + name)) {
            if (in == null) {
                throw new AssertionError("missing fixture " + root + "/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of an {@code .sse} fixture, each ending with its blank line. */
    public List<String> events(String name) {
        return splitEvents(text(name));
    }

    /** Splits event-stream text into events, each ending with {@code "\n\n"}. */
    public static List<String> splitEvents(String text) {
        String normalized = text.replace("\r\n", "\n");
        List<String> events = new ArrayList<>();
        for (String e : normalized.split("\n\n")) {
            if (!e.isBlank()) {
                events.add(e.strip() + "\n\n");
            }
        }
        return events;
    }
}
