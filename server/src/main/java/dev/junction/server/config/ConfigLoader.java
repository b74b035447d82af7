package dev.junction.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a {@link JunctionConfig} from a YAML or JSON file (by extension: {@code .json} is JSON, anything else YAML).
 *
 * <p>Strict: unknown keys, wrong types and out-of-range values fail with {@code file:line:column: reason}, so a typo
 * stops the server at start instead of being silently ignored. Stateless and thread-safe.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** The largest configuration file read: far above any real one, far below the heap. */
    static final int MAX_BYTES = 16 << 20;

    /** Reads and validates a configuration file. */
    public static JunctionConfig load(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": the configuration file does not exist");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file + ": larger than " + MAX_BYTES + " bytes, not a configuration file");
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        ObjectMapper mapper = mapper(json);
        try {
            JunctionConfig config = mapper.readValue(bytes, JunctionConfig.class);
            return config == null ? JunctionConfig.DEFAULTS : config;
        } catch (JsonProcessingException e) {
            throw new ConfigException(describe(file, bytes, e), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    static ObjectMapper mapper(boolean json) {
        var builder = json ? JsonMapper.builder() : YAMLMapper.builder(new YAMLFactory());
        return builder
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /** Paths whose values are secrets: a tenant's virtual keys, a provider's extra headers. */
    private static final Pattern SECRET_PATH =
            Pattern.compile("(^|\\.)(keys|headers)(\\[|\\.|$)");

    private static String describe(Path file, byte[] bytes, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 0 ? file.toString()
                : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        if (e instanceof UnrecognizedPropertyException u && loc != null && loc.getLineNr() > 0) {
            // Records are built through their constructor, so Jackson notices the unknown key only at the end of
            // its object; point at the key itself, searching back from there.
            String[] lines = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
            java.util.regex.Pattern key = java.util.regex.Pattern.compile(
                    "(^|[\\s{,\"'-])" + java.util.regex.Pattern.quote(u.getPropertyName()) + "[\"']?\\s*:");
            for (int i = Math.min(loc.getLineNr(), lines.length) - 1; i >= 0; i--) {
                java.util.regex.Matcher m = key.matcher(lines[i]);
                if (m.find()) {
                    where = file + ":" + (i + 1) + ":" + (m.start() + m.group(1).length() + 1);
                    break;
                }
            }
        }
        String path = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            path = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String reason;
        if (e instanceof UnrecognizedPropertyException u) {
            reason = "unknown key '" + u.getPropertyName() + "'; known keys: " + u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
        } else {
            reason = e.getOriginalMessage();
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae && iae.getMessage() != null) {
                reason = iae.getMessage();
            }
            int newline = reason == null ? -1 : reason.indexOf('\n');
            if (newline > 0) {
                reason = reason.substring(0, newline);
            }
        }
        if (SECRET_PATH.matcher(path).find() && reason != null) {
            // Jackson quotes the offending value; under keys and headers that value is a secret.
            reason = reason.replaceAll("\\('[^']*'\\)|\\(\"[^\"]*\"\\)|\"[^\"]*\"|'[^']*'", "(value not shown)");
        }
        return where + ": " + (path.isEmpty() ? "" : path + ": ") + reason;
    }
}
