package dev.junction.plugin.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request the loopback server received.
 *
 * @param method  the HTTP method
 * @param target  the request target: path and query
 * @param headers header values by lower-case name
 * @param body    the body bytes
 */
public record RecordedRequest(String method, String target, Map<String, List<String>> headers, byte[] body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The path without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON. */
    public JsonNode bodyJson() {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("request body is not JSON: " + bodyText(), e);
        }
    }

    @Override
    public String toString() {
        return method + " " + target + " " + headers.keySet() + " (" + body.length + " bytes)";
    }
}
