package dev.junction.server.config;

import dev.junction.engine.Objective;
import dev.junction.engine.ProviderPlugins;
import dev.junction.server.http.Tenant;
import dev.junction.server.runtime.GatewayAssembly;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsAFullYamlFile() throws Exception {
        JunctionConfig c = ConfigLoader.load(write("junction.yaml", """
                server: {host: 0.0.0.0, port: 9090, max_body_bytes: 65536, read_timeout_seconds: 5}
                data_dir: /var/lib/junction
                cache: {enabled: false}
                providers:
                  - {id: openai, api_key_env: MY_OPENAI_KEY, budget_usd: 50}
                  - {id: local, plugin: openai-compatible, base_url: "http://127.0.0.1:8000/v1"}
                tenants:
                  - id: acme
                    keys: [jk-acme-1]
                    budget_usd: 10
                    requests_per_second: 5
                    intent: {objective: cheapest, max_cost_usd: 0.01}
                """));
        assertEquals(9090, c.server().port());
        assertEquals("/var/lib/junction", c.dataDir());
        assertTrue(!c.cache().on());
        assertEquals(2, c.providers().size());
        Map<String, Tenant> keys = GatewayAssembly.tenants(c, Map.of());
        assertEquals("acme", keys.get("jk-acme-1").id());
        assertEquals(Objective.CHEAPEST, keys.get("jk-acme-1").defaultIntent().objective());
        assertEquals(5, keys.get("jk-acme-1").requestsPerSecond());

        List<ProviderPlugin> list = new ArrayList<>();
        ServiceLoader.load(ProviderPlugin.class).forEach(list::add);
        List<ProviderConfig> providers = GatewayAssembly.providers(c, Map.of("MY_OPENAI_KEY", "sk-x"),
                ProviderPlugins.of(list), list);
        assertEquals("openai", providers.get(0).providerId());
        assertEquals("sk-x", providers.get(0).apiKey().value());
        assertNull(providers.get(1).apiKey());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> GatewayAssembly.providers(c, Map.of(), ProviderPlugins.of(list), list));
        assertTrue(missing.getMessage().contains("MY_OPENAI_KEY"), missing.getMessage());
    }

    @Test
    void withoutAProvidersSectionEnablesPresetsWhoseKeyIsSet() {
        List<ProviderPlugin> list = new ArrayList<>();
        ServiceLoader.load(ProviderPlugin.class).forEach(list::add);
        List<ProviderConfig> providers = GatewayAssembly.providers(JunctionConfig.DEFAULTS,
                Map.of("ANTHROPIC_API_KEY", "sk-ant"), ProviderPlugins.of(list), list);
        assertEquals(List.of("anthropic"), providers.stream().map(ProviderConfig::providerId).toList());
        assertTrue(GatewayAssembly.providers(JunctionConfig.DEFAULTS, Map.of(), ProviderPlugins.of(list), list).isEmpty());
    }

    @Test
    void anUnknownKeyFailsWithFileLineColumnAndKnownKeys() throws Exception {
        Path f = write("bad.yaml", """
                server:
                  port: 8080
                  prot: 9
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'prot'"), e.getMessage());
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void aWrongTypeFailsWithItsLocation() throws Exception {
        Path f = write("bad.yaml", """
                server:
                  port: eighty
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
        assertTrue(e.getMessage().contains("server.port"), e.getMessage());
    }

    @Test
    void anOutOfRangeValueFailsWithTheReason() throws Exception {
        Path f = write("bad.json", "{\"server\": {\"port\": 70000}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith(f + ":1:"), e.getMessage());
        assertTrue(e.getMessage().contains("port must be in [0, 65535], was 70000"), e.getMessage());
    }

    @Test
    void anEmptyListEntryOrValueIsNamed() throws Exception {
        ConfigException provider = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("p.yaml", """
                providers:
                  - ~
                """)));
        assertTrue(provider.getMessage().contains("providers[0] is empty"), provider.getMessage());
        ConfigException key = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("k.yaml", """
                tenants:
                  - id: acme
                    keys: [jk-1, ~]
                """)));
        assertTrue(key.getMessage().contains("tenant acme: keys[1] is empty"), key.getMessage());
        ConfigException header = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("h.yaml", """
                providers:
                  - id: openai
                    headers: {X-Foo: }
                """)));
        assertTrue(header.getMessage().contains("provider openai: headers.X-Foo has no value"), header.getMessage());
    }

    @Test
    void brokenSyntaxFailsWithItsLocation() throws Exception {
        Path f = write("bad.yaml", "server: {port: 8080\ntenants: [\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        Path j = write("bad.json", "{\"server\": }");
        ConfigException je = assertThrows(ConfigException.class, () -> ConfigLoader.load(j));
        assertTrue(je.getMessage().startsWith(j + ":1:"), je.getMessage());
    }

    @Test
    void aMissingFileSaysSo() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void keysFromEnvironmentVariablesLoseTheWhitespaceAnEnvFileLeaves() throws Exception {
        JunctionConfig c = ConfigLoader.load(write("env.yaml", """
                providers:
                  - {id: openai, api_key_env: MY_OPENAI_KEY}
                tenants:
                  - {id: acme, key_env: ACME_KEY}
                """));
        Map<String, String> env = Map.of("MY_OPENAI_KEY", "sk-x\r\n", "ACME_KEY", " jk-acme-1\r");
        assertEquals("acme", GatewayAssembly.tenants(c, env).get("jk-acme-1").id(),
                "a request's key is trimmed, so the configured one must be too");
        List<ProviderPlugin> list = plugins();
        assertEquals("sk-x", GatewayAssembly.providers(c, env, ProviderPlugins.of(list), list).get(0).apiKey().value());
    }

    @Test
    void aBadTenantIntentNamesTheField() throws Exception {
        JunctionConfig c = ConfigLoader.load(write("t.yaml", """
                tenants:
                  - {id: a, keys: [k1], intent: {objective: magic}}
                """));
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayAssembly.tenants(c, Map.of()));
        assertTrue(e.getMessage().contains("tenant a") && e.getMessage().contains("objective"), e.getMessage());
    }

    private static List<ProviderPlugin> plugins() {
        List<ProviderPlugin> list = new ArrayList<>();
        ServiceLoader.load(ProviderPlugin.class).forEach(list::add);
        return list;
    }

    /** `keys: jk-...` (a scalar where a list is expected) must not print the virtual key in the error. */
    @Test
    void aMistypedKeysValueDoesNotEchoTheVirtualKey() throws Exception {
        Path f = write("k.yaml", """
                tenants:
                  - id: acme
                    keys: jk-acme-secret-0123456789
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("tenants[0].keys"), e.getMessage());
        assertFalse(e.getMessage().contains("jk-acme-secret-0123456789"), e.getMessage());
    }

    /** Provider header values are secrets too (ProviderConfig's contract): a mistyped `headers` must not echo them. */
    @Test
    void aMistypedHeadersValueDoesNotEchoTheHeader() throws Exception {
        Path f = write("h.yaml", """
                providers:
                  - id: openai
                    headers: "Authorization: Bearer sk-live-secret-0123456789"
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("providers[0].headers"), e.getMessage());
        assertFalse(e.getMessage().contains("sk-live-secret-0123456789"), e.getMessage());
    }

    /** A fractional number for an integer setting is a wrong type, not a silently truncated value. */
    @Test
    void aFractionalValueForAnIntegerSettingFails() throws Exception {
        Path rps = write("r.yaml", """
                tenants:
                  - {id: acme, keys: [jk-1], requests_per_second: 2.5}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(rps),
                () -> "requests_per_second 2.5 was read as " + ConfigLoader.load(rps).tenants().get(0).requestsPerSecond());
        assertTrue(e.getMessage().contains("tenants[0].requests_per_second"), e.getMessage());
        Path port = write("p.yaml", "server: {port: 8080.7}\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(port),
                () -> "port 8080.7 was read as " + ConfigLoader.load(port).server().port());
    }

    /** Two providers with one id: the second silently replaced the first. */
    @Test
    void aDuplicateProviderIdIsRefused() throws Exception {
        JunctionConfig c = ConfigLoader.load(write("d.yaml", """
                providers:
                  - {id: openai, api_key_env: KEY_A, budget_usd: 5}
                  - {id: openai, api_key_env: KEY_B, base_url: "http://127.0.0.1:9/v1"}
                """));
        List<ProviderPlugin> list = plugins();
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayAssembly.providers(c,
                        Map.of("KEY_A", "sk-a", "KEY_B", "sk-b"), ProviderPlugins.of(list), list),
                () -> "accepted as " + GatewayAssembly.providers(c, Map.of("KEY_A", "sk-a", "KEY_B", "sk-b"),
                        ProviderPlugins.of(list), list));
        assertTrue(e.getMessage().contains("openai"), e.getMessage());
    }

    /**
     * Two tenants with one id: they share one budget name and one rate limiter, and which entry's budget_usd and
     * requests_per_second apply is arbitrary (the limiter is the first entry's; the budget is whichever Set.copyOf
     * iterates last).
     */
    @Test
    void aDuplicateTenantIdIsRefused() throws Exception {
        JunctionConfig c = ConfigLoader.load(write("t.yaml", """
                tenants:
                  - {id: acme, keys: [jk-1], requests_per_second: 1, budget_usd: 1}
                  - {id: acme, keys: [jk-2], requests_per_second: 100, budget_usd: 100}
                """));
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayAssembly.tenants(c, Map.of()));
        assertTrue(e.getMessage().contains("acme"), e.getMessage());
    }

    /** A base_url without a scheme started fine, then every request failed with a 400 blamed on the client. */
    @Test
    void aBaseUrlWithoutSchemeIsRefusedAtStart() throws Exception {
        JunctionConfig c = ConfigLoader.load(write("u.yaml", """
                providers:
                  - {id: openai, api_key_env: KEY_A, base_url: "api.openai.com/v1"}
                """));
        List<ProviderPlugin> list = plugins();
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayAssembly.providers(c,
                Map.of("KEY_A", "sk-a"), ProviderPlugins.of(list), list));
        assertTrue(e.getMessage().contains("base_url"), e.getMessage());
    }

    /**
     * A blank virtual key, or one with surrounding spaces, can never match (a request's key is trimmed, an empty one
     * refused), yet the gateway started closed, counting the tenant.
     */
    @Test
    void aVirtualKeyThatCanNeverMatchIsRefused() throws Exception {
        ConfigException blank = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("b.yaml", """
                tenants:
                  - {id: acme, keys: [""]}
                """)));
        assertTrue(blank.getMessage().contains("tenant acme: keys[0]"), blank.getMessage());
        ConfigException spaced = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("s.yaml", """
                tenants:
                  - {id: acme, keys: [jk-1, " jk-acme-secret-0123456789"]}
                """)));
        assertTrue(spaced.getMessage().contains("tenant acme: keys[1]"), spaced.getMessage());
        assertFalse(spaced.getMessage().contains("jk-acme-secret-0123456789"), spaced.getMessage());
    }

    /** An unquoted key or header value in a JSON file: Jackson quotes it as 'token', which was not redacted. */
    @Test
    void anUnquotedSecretInJsonIsNotEchoed() throws Exception {
        ConfigException key = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("k.json",
                "{\"tenants\": [{\"id\": \"acme\", \"keys\": [jkacmesecret0123456789]}]}")));
        assertTrue(key.getMessage().contains("tenants[0].keys"), key.getMessage());
        assertFalse(key.getMessage().contains("jkacmesecret0123456789"), key.getMessage());
        ConfigException header = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("h.json",
                "{\"providers\": [{\"id\": \"openai\", \"headers\": {\"X-Key\": sk_live_secret_0123456789}}]}")));
        assertTrue(header.getMessage().contains("providers[0].headers"), header.getMessage());
        assertFalse(header.getMessage().contains("sk_live_secret_0123456789"), header.getMessage());
    }

    /** The key itself put where its variable's name belongs was echoed at start: "environment variable sk-... is not set". */
    @Test
    void aKeyInPlaceOfAVariableNameIsNotEchoed() throws Exception {
        ConfigException provider = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("p.yaml", """
                providers:
                  - {id: openai, api_key_env: sk-proj-live-secret-0123456789}
                """)));
        assertTrue(provider.getMessage().contains("api_key_env"), provider.getMessage());
        assertFalse(provider.getMessage().contains("sk-proj-live-secret-0123456789"), provider.getMessage());
        ConfigException tenant = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("t.yaml", """
                tenants:
                  - {id: acme, key_env: jk-acme-secret-0123456789}
                """)));
        assertTrue(tenant.getMessage().contains("key_env"), tenant.getMessage());
        assertFalse(tenant.getMessage().contains("jk-acme-secret-0123456789"), tenant.getMessage());
        assertEquals("MY_OPENAI_KEY", ConfigLoader.load(write("ok.yaml", """
                providers:
                  - {id: openai, api_key_env: MY_OPENAI_KEY}
                """)).providers().get(0).apiKeyEnv());
    }

    /** A huge file (or /dev/zero) passed as the configuration threw OutOfMemoryError, a stack trace, not an error. */
    @Test
    void anOversizedFileFailsWithAReason() throws Exception {
        Path f = dir.resolve("huge.yaml");
        try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            huge.setLength(3L << 30); // sparse: takes no disk
        }
        ConfigException e = assertThrows(ConfigException.class, () -> {
            try {
                ConfigLoader.load(f);
            } catch (OutOfMemoryError oom) { // JUnit and Surefire treat it as fatal: report it as a failure
                throw new AssertionError("not a configuration error: " + oom);
            }
        });
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    }
}
