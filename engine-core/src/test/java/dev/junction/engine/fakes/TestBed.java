package dev.junction.engine.fakes;

import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.StreamEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/** A fake clock, scheduler and provider clients wired into a {@link Junction} with a same-thread executor. */
public final class TestBed {
    public final FakeClock clock = new FakeClock();
    public final FakeScheduler scheduler = new FakeScheduler(clock);
    private final Map<String, FakeProviderClient> providers = new LinkedHashMap<>();

    /** The fake client of a provider, created on first use. */
    public FakeProviderClient provider(String id) {
        return providers.computeIfAbsent(id, p -> new FakeProviderClient(p, scheduler, clock));
    }

    /** A builder with the fakes, the given models, no cache unless set, no catalog polling. */
    public Junction.Builder builder(ModelDescriptor... models) {
        Junction.Builder b = Junction.builder().clock(clock).scheduler(scheduler)
                .executor(Runnable::run).catalogRefreshInterval(Duration.ZERO);
        if (models.length > 0) {
            b.models(List.of(models));
        }
        for (ModelDescriptor m : models) {
            provider(m.provider());
        }
        for (FakeProviderClient c : providers.values()) {
            b.providerClient(c);
        }
        return b;
    }

    /** Runs the request on the fake time line until it ends; rethrows its failure unwrapped. */
    public JunctionResponse complete(Junction j, ChatRequest request, Intent intent) {
        CompletableFuture<JunctionResponse> f = j.completeAsync(request, intent);
        scheduler.runUntilDone(f);
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Collects a stream's events on the fake time line. */
    public List<StreamEvent> collect(JunctionStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        stream.events().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(StreamEvent item) {
                events.add(item);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        scheduler.runUntilDone(done);
        done.join();
        return events;
    }

    public static ChatRequest hello() {
        return ChatRequest.ofUser("Hello there");
    }
}
