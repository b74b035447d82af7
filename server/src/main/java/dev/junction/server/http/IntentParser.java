package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.engine.CachePolicy;
import dev.junction.engine.Intent;
import dev.junction.engine.Objective;
import dev.junction.spi.Capability;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds an {@link Intent} from the request's {@code model}, its {@code intent} body object and its
 * {@code x-junction-*} headers.
 *
 * <p>{@code "model": "junction/auto"} (or {@code "auto"}) routes; any other model pins it. Body fields and headers
 * use the same names ({@code max_cost_usd} is {@code x-junction-max-cost-usd}); a header overrides the body field.
 * Unknown fields and bad values are a 400 naming them. Stateless and thread-safe.
 */
final class IntentParser {

    /** The model name that asks Junction to route. */
    static final String AUTO_MODEL = "junction/auto";

    /** Header prefix of intent fields and of the decision reported in responses. */
    static final String HEADER_PREFIX = "x-junction-";

    private static final Set<String> FIELDS = Set.of("max_cost_usd", "latency_budget_ms", "ttft_budget_ms",
            "min_quality", "objective", "require", "allow_providers", "deny_providers", "allow_models", "deny_models",
            "region", "zero_data_retention", "allow_degrade", "cache", "cache_threshold", "cache_ttl_seconds",
            "hedge_after_ms");

    private IntentParser() {
    }

    /** Whether the model field asks Junction to route rather than pin. */
    static boolean routes(String model) {
        return model.equals(AUTO_MODEL) || model.equals("auto") || model.equals("junction");
    }

    /**
     * The intent for a request.
     *
     * @param model   the request's model field
     * @param body    the {@code intent} object, or null
     * @param headers the request's {@code x-junction-*} headers, lower-case names without the prefix mapped to values
     * @param base    the tenant's default intent
     */
    static Intent parse(String model, JsonNode body, Map<String, String> headers, Intent base) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (body != null) {
            Iterator<Map.Entry<String, JsonNode>> it = body.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!FIELDS.contains(e.getKey())) {
                    throw ApiError.invalid("intent." + e.getKey(), "Unknown intent field 'intent." + e.getKey()
                            + "'. Known fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ".");
                }
                if (!e.getValue().isNull()) {
                    values.put(e.getKey(), e.getValue());
                }
            }
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String field = h.getKey().replace('-', '_');
            if (FIELDS.contains(field)) {
                values.put(field, h.getValue());
            }
        }
        Intent.Builder b = base.toBuilder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            apply(b, e.getKey(), e.getValue());
        }
        if (!routes(model)) {
            if (model.isBlank()) {
                throw ApiError.invalid("model", "model must not be blank; use '" + AUTO_MODEL + "' to let Junction route.");
            }
            if (values.containsKey("allow_models")) {
                throw ApiError.invalid("model", "model pins '" + model + "'; allow_models applies only with '"
                        + AUTO_MODEL + "'.");
            }
            b.pinModel(model);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("intent", "Invalid intent: " + e.getMessage());
        }
    }

    private static void apply(Intent.Builder b, String field, Object value) {
        String param = value instanceof JsonNode ? "intent." + field : HEADER_PREFIX + field.replace('_', '-');
        switch (field) {
            case "max_cost_usd" -> b.maxCostUsd(number(param, value));
            case "latency_budget_ms" -> b.latencyBudget(Duration.ofMillis(integer(param, value)));
            case "ttft_budget_ms" -> b.timeToFirstTokenBudget(Duration.ofMillis(integer(param, value)));
            case "min_quality" -> b.minQuality(number(param, value));
            case "objective" -> b.objective(enumValue(param, value, Objective.class));
            case "require" -> {
                for (String c : list(param, value)) {
                    b.require(enumValue(param, c, Capability.class));
                }
            }
            case "allow_providers" -> b.allowProviders(list(param, value));
            case "deny_providers" -> b.denyProviders(list(param, value));
            case "allow_models" -> b.allowModels(list(param, value));
            case "deny_models" -> b.denyModels(list(param, value));
            case "region" -> b.region(text(param, value));
            case "zero_data_retention" -> b.zeroDataRetention(bool(param, value));
            case "allow_degrade" -> b.allowDegrade(bool(param, value));
            case "cache" -> b.cachePolicy(withMode(current(b), enumValue(param, value, CachePolicy.Mode.class)));
            case "cache_threshold" -> {
                double t = number(param, value);
                CachePolicy c = current(b);
                b.cachePolicy(guard(param, () -> new CachePolicy(c.mode(), t, c.ttl())));
            }
            case "cache_ttl_seconds" -> {
                long s = integer(param, value);
                CachePolicy c = current(b);
                b.cachePolicy(guard(param, () -> new CachePolicy(c.mode(), c.threshold(), Duration.ofSeconds(s))));
            }
            case "hedge_after_ms" -> b.hedgeAfter(Duration.ofMillis(integer(param, value)));
            default -> throw new IllegalStateException("unhandled intent field " + field);
        }
    }

    private static CachePolicy current(Intent.Builder b) {
        return b.build().cachePolicy();
    }

    private static CachePolicy withMode(CachePolicy c, CachePolicy.Mode mode) {
        return new CachePolicy(mode, c.threshold(), c.ttl());
    }

    private static CachePolicy guard(String param, java.util.function.Supplier<CachePolicy> policy) {
        try {
            return policy.get();
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(param, e.getMessage());
        }
    }

    private static double number(String param, Object value) {
        return parse(param, value, "a number", n -> n.isNumber() ? n.doubleValue() : null, Double::parseDouble);
    }

    private static long integer(String param, Object value) {
        long v = parse(param, value, "an integer", n -> n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null,
                Long::parseLong);
        if (v < 0) {
            throw ApiError.invalid(param, "'" + param + "' must be >= 0, was " + v + ".");
        }
        return v;
    }

    private static boolean bool(String param, Object value) {
        return parse(param, value, "a boolean", n -> n.isBoolean() ? n.booleanValue() : null, s -> switch (s.trim()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(s);
        });
    }

    private static String text(String param, Object value) {
        return parse(param, value, "a string", n -> n.isTextual() ? n.textValue() : null, s -> s);
    }

    private static Set<String> list(String param, Object value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof JsonNode n) {
            if (n.isTextual()) {
                out.add(n.textValue());
                return out;
            }
            if (!n.isArray()) {
                throw ApiError.invalid(param, "'" + param + "' must be an array of strings.");
            }
            for (JsonNode item : n) {
                if (!item.isTextual()) {
                    throw ApiError.invalid(param, "'" + param + "' must be an array of strings.");
                }
                out.add(item.textValue());
            }
            return out;
        }
        for (String s : ((String) value).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(String param, Object value, Class<E> type) {
        String s = text(param, value).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.isEmpty() ? "" : ", ").append('\'').append(c.name().toLowerCase(Locale.ROOT)).append('\'');
            }
            throw ApiError.invalid(param, "Invalid value for '" + param + "': '" + value + "'. Supported values are: "
                    + allowed + ".");
        }
    }

    private static <T> T parse(String param, Object value, String expected, Function<JsonNode, T> fromJson,
                               Function<String, T> fromHeader) {
        T result;
        if (value instanceof JsonNode n) {
            result = fromJson.apply(n);
        } else {
            try {
                result = fromHeader.apply(((String) value).trim());
            } catch (IllegalArgumentException e) {
                result = null;
            }
        }
        if (result == null || (result instanceof Double d && !Double.isFinite(d))) {
            throw ApiError.invalid(param, "Invalid value for '" + param + "': expected " + expected + ", got " + value + ".");
        }
        return result;
    }
}
