package dev.junction.plugin.anthropic;

import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.SamplingParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Requests the Messages API would reject with a 400 are refused by validate() as UNSUPPORTED. */
@Timeout(30)
class AnthropicRequestRulesTest {
    private final ProviderClient client = new AnthropicPlugin().create(new ProviderConfig("anthropic", AnthropicPlugin.ID,
            URI.create("http://127.0.0.1:9"), null, Map.of(), null, Map.of()));

    private static ModelDescriptor model(String id) {
        return new ModelDescriptor("anthropic", id, 200_000, 64_000, Prices.FREE, EnumSet.allOf(Capability.class),
                Set.of(), DataRetention.UNKNOWN, Map.of());
    }

    @AfterEach
    void close() {
        client.close();
    }

    // Claude Sonnet 4.5 / Haiku 4.5 / Opus 4.1 and later (all in the default catalog): 400 invalid_request_error
    // "temperature and top_p cannot both be specified for this model. Please use only one."
    @Test
    void temperatureAndTopPAreNotBothSentToClaude45() {
        ChatRequest both = ChatRequest.ofUser("Hello!").withSampling(new SamplingParameters(0.7, 0.9, null, null, null, null));
        ProviderException e = assertThrows(ProviderException.class, () -> client.validate(both, model("claude-sonnet-4-5")));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind(), e.getMessage());
        // One of the two is fine, and older models take both.
        client.validate(ChatRequest.ofUser("Hello!").withSampling(new SamplingParameters(0.7, null, null, null, null, null)),
                model("claude-sonnet-4-5"));
        client.validate(both, model("claude-opus-4-20250514"));
    }
}
