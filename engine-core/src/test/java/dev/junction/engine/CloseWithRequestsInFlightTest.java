package dev.junction.engine;

import dev.junction.engine.fakes.FakeClock;
import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.FakeScheduler;
import dev.junction.engine.fakes.Models;
import dev.junction.spi.ChatRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * close() with requests in flight: their timers (deadlines, retries, the unsubscribed-stream timeout) must still end
 * them after the executor has been shut down, instead of leaving their futures pending for ever.
 */
class CloseWithRequestsInFlightTest {

    /**
     * A request waiting out its retry back-off when the Junction is closed: close() shuts the default executor down,
     * and the retry timer's hand-off to it used to be rejected, leaving completeAsync's future pending for ever.
     */
    @Test
    void aRetryPendingAtCloseStillEndsTheRequest() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            FakeClock unused = new FakeClock();
            // The fake client answers inline (zero latency), so its fake scheduler is never used.
            FakeProviderClient client = new FakeProviderClient("acme", new FakeScheduler(unused), unused);
            client.script("m", FakeProviderClient.serverError());
            Junction j = Junction.builder()
                    .providerClient(client)
                    .models(Models.model("acme", "m", 1, 1, 0.9))
                    .cacheStore(null)
                    .catalogRefreshInterval(Duration.ZERO)
                    .retry(RetryConfig.custom().initialBackoff(Duration.ofMillis(100)).jitter(0).build())
                    // real clock, Scheduler.system(), default (owned) virtual-thread executor
                    .build();
            CompletableFuture<JunctionResponse> f = j.completeAsync(ChatRequest.ofUser("hi"),
                    Intent.builder().latencyBudget(Duration.ofSeconds(5)).build());
            j.close(); // the retry is still pending (100 ms back-off)
            try {
                f.get(8, TimeUnit.SECONDS); // longer than the back-off and the whole latency budget
            } catch (ExecutionException expected) {
                return; // failing cleanly (or succeeding) would be fine
            } catch (TimeoutException e) {
                fail("completeAsync's future never completed after close(): done=" + f.isDone());
            }
        });
    }

    /** A provider call that never answers: its deadline timer, due after close(), still ends it. */
    @Test
    void aHangingCallStillEndsAtItsLatencyBudgetAfterClose() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            FakeClock unused = new FakeClock();
            FakeProviderClient client = new FakeProviderClient("acme", new FakeScheduler(unused), unused);
            client.script("m", FakeProviderClient.hang());
            Junction j = Junction.builder()
                    .providerClient(client)
                    .models(Models.model("acme", "m", 1, 1, 0.9))
                    .cacheStore(null)
                    .catalogRefreshInterval(Duration.ZERO)
                    .build();
            CompletableFuture<JunctionResponse> f = j.completeAsync(ChatRequest.ofUser("hi"),
                    Intent.builder().latencyBudget(Duration.ofMillis(300)).build());
            j.close();
            try {
                f.get(5, TimeUnit.SECONDS); // the latency budget is 300 ms
            } catch (ExecutionException expected) {
                return;
            } catch (TimeoutException e) {
                fail("the 300 ms latency budget did not end the request after close(): done=" + f.isDone());
            }
        });
    }

    /** A stream created and not yet subscribed when close() is called: its decision still completes. */
    @Test
    void anUnsubscribedStreamStillEndsAfterClose() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            FakeClock unused = new FakeClock();
            FakeProviderClient client = new FakeProviderClient("acme", new FakeScheduler(unused), unused);
            Junction j = Junction.builder()
                    .providerClient(client)
                    .models(Models.model("acme", "m", 1, 1, 0.9))
                    .cacheStore(null)
                    .catalogRefreshInterval(Duration.ZERO)
                    .build();
            JunctionStream s = j.stream(ChatRequest.ofUser("hi"),
                    Intent.builder().latencyBudget(Duration.ofMillis(300)).build());
            j.close();
            try {
                s.decision().get(5, TimeUnit.SECONDS); // documented: ends with a timeout after the latency budget
            } catch (ExecutionException expected) {
                return;
            } catch (TimeoutException e) {
                fail("an unsubscribed stream's decision never completed after close()");
            }
        });
    }
}
