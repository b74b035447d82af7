package dev.junction.engine;

import dev.junction.engine.fakes.FakeClock;
import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.FakeScheduler;
import dev.junction.engine.fakes.Models;
import dev.junction.spi.ChatRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * close() with requests in flight: their timers (deadlines, retries, the unsubscribed-stream timeout) must still end
 * them after close() has shut the default executor down, instead of leaving their futures pending for ever. Real
 * clock, Scheduler.system() and the default (owned) virtual-thread executor; the fake client answers inline.
 */
class CloseWithRequestsInFlightTest {

    private static FakeProviderClient client() {
        FakeClock unused = new FakeClock();
        return new FakeProviderClient("acme", new FakeScheduler(unused), unused);
    }

    private static Junction junction(FakeProviderClient client) {
        return Junction.builder().providerClient(client).models(Models.model("acme", "m", 1, 1, 0.9)).cacheStore(null)
                .catalogRefreshInterval(Duration.ZERO)
                .retry(RetryConfig.custom().initialBackoff(Duration.ofMillis(100)).jitter(0).build())
                .build();
    }

    /** Ending with an error or an answer is fine; not ending within 8 s (past every budget below) is the bug. */
    private static void assertEnds(Future<?> f, String what) throws Exception {
        try {
            f.get(8, TimeUnit.SECONDS);
        } catch (ExecutionException ended) {
            // ended with an error
        } catch (TimeoutException e) {
            fail(what + " never completed after close()");
        }
    }

    @Test
    void aRetryPendingAtCloseStillEndsTheRequest() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            FakeProviderClient client = client();
            client.script("m", FakeProviderClient.serverError());
            Junction j = junction(client);
            Future<JunctionResponse> f = j.completeAsync(ChatRequest.ofUser("hi"),
                    Intent.builder().latencyBudget(Duration.ofSeconds(5)).build());
            j.close(); // the retry is still waiting out its 100 ms back-off
            assertEnds(f, "completeAsync's future");
        });
    }

    @Test
    void aHangingCallStillEndsAtItsLatencyBudgetAfterClose() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            FakeProviderClient client = client();
            client.script("m", FakeProviderClient.hang());
            Junction j = junction(client);
            Future<JunctionResponse> f = j.completeAsync(ChatRequest.ofUser("hi"),
                    Intent.builder().latencyBudget(Duration.ofMillis(300)).build());
            j.close();
            assertEnds(f, "a call past its 300 ms latency budget");
        });
    }

    @Test
    void anUnsubscribedStreamStillEndsAfterClose() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Junction j = junction(client());
            JunctionStream s = j.stream(ChatRequest.ofUser("hi"),
                    Intent.builder().latencyBudget(Duration.ofMillis(300)).build());
            j.close();
            assertEnds(s.decision(), "an unsubscribed stream's decision");
        });
    }
}
