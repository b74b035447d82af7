package dev.junction.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's configuration file ({@code junction.yaml} or {@code .json}), as read; every section is optional.
 *
 * @param server    the HTTP listener
 * @param dataDir   where the persistent cache lives ({@link #DEFAULT_DATA_DIR})
 * @param catalog   a catalog file to use instead of the built-in one, or null
 * @param cache     the semantic cache
 * @param providers providers to configure; when absent, every plugin preset whose key variable is set
 * @param tenants   virtual API keys; when absent, the gateway is open (one tenant, {@code default})
 */
public record JunctionConfig(Server server, String dataDir, String catalog, Cache cache, List<Provider> providers,
                             List<TenantConfig> tenants) {

    /** Default data directory: {@code ./junction-data}. */
    public static final String DEFAULT_DATA_DIR = "./junction-data";

    /** The embedded defaults: no file. */
    public static final JunctionConfig DEFAULTS = new JunctionConfig(null, null, null, null, null, null);

    public JunctionConfig {
        server = server == null ? Server.DEFAULTS : server;
        dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
        cache = cache == null ? Cache.DEFAULTS : cache;
        providers = providers == null ? null : entries(providers, "providers");
        tenants = tenants == null ? List.of() : entries(tenants, "tenants");
    }

    /** A copy of a list from the file; an empty entry ({@code - } or {@code ~}) is named instead of failing later. */
    private static <T> List<T> entries(List<T> list, String key) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new IllegalArgumentException(key + "[" + i + "] is empty");
            }
        }
        return List.copyOf(list);
    }

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** An environment variable's name; a key pasted in its place is refused without being repeated. */
    private static void requireVariableName(String name, String key) {
        if (name != null && !VARIABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(key + " must be the name of an environment variable (letters, digits, "
                    + "_), not a key; the value is not shown");
        }
    }

    /** A copy of a map from the file; a key without a value is named instead of failing later. */
    private static Map<String, String> values(Map<String, String> map, String key) {
        map.forEach((k, v) -> {
            if (v == null) {
                throw new IllegalArgumentException(key + "." + k + " has no value");
            }
        });
        return Map.copyOf(map);
    }

    /**
     * The HTTP listener.
     *
     * @param host               bind address (127.0.0.1)
     * @param port               port (8080)
     * @param maxBodyBytes       largest request body (4 MiB)
     * @param readTimeoutSeconds how long a client may stall sending a request (30)
     */
    public record Server(String host, Integer port, Long maxBodyBytes, Integer readTimeoutSeconds) {
        static final Server DEFAULTS = new Server(null, null, null, null);

        public Server {
            if (port != null && (port < 0 || port > 65535)) {
                throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
            }
            if (maxBodyBytes != null && maxBodyBytes < 1024) {
                throw new IllegalArgumentException("max_body_bytes must be >= 1024, was " + maxBodyBytes);
            }
            if (readTimeoutSeconds != null && readTimeoutSeconds < 1) {
                throw new IllegalArgumentException("read_timeout_seconds must be >= 1, was " + readTimeoutSeconds);
            }
        }
    }

    /**
     * The semantic cache.
     *
     * @param enabled    whether to cache at all (true)
     * @param maxEntries the capacity in entries (100,000)
     */
    public record Cache(Boolean enabled, Long maxEntries) {
        static final Cache DEFAULTS = new Cache(null, null);

        public Cache {
            if (maxEntries != null && maxEntries < 1) {
                throw new IllegalArgumentException("max_entries must be >= 1, was " + maxEntries);
            }
        }

        public boolean on() {
            return enabled == null || enabled;
        }

        public long capacity() {
            return maxEntries == null ? 100_000 : maxEntries;
        }
    }

    /**
     * One provider account.
     *
     * @param id        the provider id the catalog uses (e.g. {@code openai}); presets fill the rest when known
     * @param plugin    the plugin id ({@code openai-compatible}, {@code anthropic}, {@code gemini}); from the preset
     *                  when omitted
     * @param baseUrl   the API base URL; from the preset when omitted
     * @param apiKeyEnv the environment variable holding the key (keys never go in the file)
     * @param budgetUsd a spend cap for this provider, or null
     * @param headers   extra headers
     * @param options   plugin options
     */
    public record Provider(String id, String plugin, String baseUrl, String apiKeyEnv, Double budgetUsd,
                           Map<String, String> headers, Map<String, String> options) {
        public Provider {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a provider needs an id");
            }
            if (budgetUsd != null && !(budgetUsd > 0)) {
                throw new IllegalArgumentException("budget_usd must be > 0, was " + budgetUsd);
            }
            requireVariableName(apiKeyEnv, "provider " + id + ": api_key_env");
            headers = headers == null ? Map.of() : values(headers, "provider " + id + ": headers");
            options = options == null ? Map.of() : values(options, "provider " + id + ": options");
        }
    }

    /**
     * A tenant and its virtual API keys.
     *
     * @param id                the tenant id
     * @param keys              virtual keys given to the tenant's apps (not provider keys)
     * @param keyEnv            an environment variable holding one more key
     * @param budgetUsd         spend cap, or null for none
     * @param requestsPerSecond rate limit, or null for none
     * @param intent            the tenant's default intent, same fields as a request's {@code intent} object
     */
    public record TenantConfig(String id, List<String> keys, String keyEnv, Double budgetUsd, Integer requestsPerSecond,
                               JsonNode intent) {
        public TenantConfig {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a tenant needs an id");
            }
            keys = keys == null ? List.of() : entries(keys, "tenant " + id + ": keys");
            for (int i = 0; i < keys.size(); i++) {
                // A request's key is trimmed and an empty one refused, so such a key could never match.
                if (keys.get(i).isEmpty() || !keys.get(i).equals(keys.get(i).trim())) {
                    throw new IllegalArgumentException("tenant " + id + ": keys[" + i + "] is empty or starts or ends "
                            + "with whitespace");
                }
            }
            requireVariableName(keyEnv, "tenant " + id + ": key_env");
            if (keys.isEmpty() && keyEnv == null) {
                throw new IllegalArgumentException("tenant " + id + " needs keys or key_env");
            }
            if (budgetUsd != null && !(budgetUsd > 0)) {
                throw new IllegalArgumentException("tenant " + id + ": budget_usd must be > 0, was " + budgetUsd);
            }
            if (requestsPerSecond != null && requestsPerSecond < 1) {
                throw new IllegalArgumentException("tenant " + id + ": requests_per_second must be >= 1, was "
                        + requestsPerSecond);
            }
        }
    }
}
