package dev.junction.server.http;

import dev.junction.engine.Intent;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.engine.RouteDecision;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.Embedder;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A scripted backend: echoes the last user message, calls the first tool when tools are given. */
final class FakeBackend implements GatewayBackend {

    static final ModelDescriptor MODEL = new ModelDescriptor("fake", "echo-1", 8192, 1024, new Prices(1, 2, 0.5),
            Set.of(Capability.TOOLS, Capability.STREAMING), Set.of(), null, Map.of());

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final List<Intent> intents = new CopyOnWriteArrayList<>();
    final AtomicInteger streamsCancelled = new AtomicInteger();
    volatile Function<ChatRequest, RuntimeException> failure;
    volatile int streamChunks = 3;
    volatile boolean endlessStream;

    @Override
    public JunctionResponse complete(ChatRequest request, Intent intent) {
        requests.add(request);
        intents.add(intent);
        if (failure != null && failure.apply(request) != null) {
            throw failure.apply(request);
        }
        return new JunctionResponse(answer(request), decision());
    }

    static ChatResponse answer(ChatRequest request) {
        if (!request.tools().isEmpty() && request.messages().get(request.messages().size() - 1).role() != dev.junction.spi.Role.TOOL) {
            return new ChatResponse("fake-1", "", List.of(new ToolCall("call_1", request.tools().get(0).name(),
                    "{\"city\":\"Paris\"}")), FinishReason.TOOL_CALLS, Usage.of(10, 5), "fake", "echo-1", "echo-1-0");
        }
        return new ChatResponse("fake-1", "echo: " + request.lastUserText(), List.of(), FinishReason.STOP,
                Usage.of(10, 5), "fake", "echo-1", "echo-1-0");
    }

    static RouteDecision decision() {
        return new RouteDecision("req-1", null, List.of(), List.of(), null, CacheStatus.MISS, Double.NaN, null, List.of(),
                null, 0.000020);
    }

    @Override
    public JunctionStream stream(ChatRequest request, Intent intent) {
        requests.add(request);
        intents.add(intent);
        if (failure != null && failure.apply(request) != null) {
            throw failure.apply(request);
        }
        ChatResponse answer = answer(request);
        CompletableFuture<RouteDecision> decision = new CompletableFuture<>();
        Flow.Publisher<StreamEvent> publisher = subscriber -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            List<StreamEvent> events = new ArrayList<>();
            events.add(new StreamEvent.Start("fake-1", "fake", "echo-1", "echo-1-0"));
            if (answer.toolCalls().isEmpty()) {
                for (int i = 0; i < streamChunks; i++) {
                    events.add(new StreamEvent.TextDelta(i == 0 ? "echo: " : "" + i));
                }
            } else {
                ToolCall c = answer.toolCalls().get(0);
                events.add(new StreamEvent.ToolCallDelta(0, c.id(), c.name(), ""));
                events.add(new StreamEvent.ToolCallDelta(0, null, null, c.argumentsJson()));
            }
            events.add(new StreamEvent.UsageReport(Usage.of(10, 5)));
            events.add(new StreamEvent.Finish(answer.finishReason()));
            subscriber.onSubscribe(new Flow.Subscription() {
                int next;

                @Override
                public void request(long n) {
                    for (long k = 0; k < n && !cancelled.get(); k++) {
                        if (endlessStream) {
                            if (next++ == 0) {
                                subscriber.onNext(events.get(0));
                            } else {
                                subscriber.onNext(new StreamEvent.TextDelta("x".repeat(1024)));
                            }
                            continue;
                        }
                        if (next < events.size()) {
                            subscriber.onNext(events.get(next++));
                            if (next == events.size()) {
                                decision.complete(decision());
                                subscriber.onComplete();
                            }
                        }
                    }
                }

                @Override
                public void cancel() {
                    if (cancelled.compareAndSet(false, true)) {
                        streamsCancelled.incrementAndGet();
                    }
                }
            });
        };
        return new JunctionStream(publisher, decision);
    }

    @Override
    public List<ModelDescriptor> models() {
        return List.of(MODEL);
    }

    @Override
    public Optional<Embedder> embedder() {
        return Optional.of(new Embedder() {
            @Override
            public String modelId() {
                return "fake-embed";
            }

            @Override
            public int dimensions() {
                return 3;
            }

            @Override
            public float[] embed(String text) {
                return new float[] {1, 0, 0};
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                return texts.stream().map(this::embed).toList();
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public boolean reportWrongCacheHit(String tenantId, String cacheEntryId) {
        return false;
    }

    @Override
    public void setTenantBudget(String tenantId, double capUsd) {
    }

    @Override
    public Object matrixView() {
        return Map.of("models", List.of(MODEL.id()));
    }

    @Override
    public Object cacheView() {
        return Map.of("entries", 0);
    }

    @Override
    public Object budgetsView() {
        return List.of();
    }

    @Override
    public Map<String, Object> health() {
        return Map.of("providers", 1);
    }

    @Override
    public void close() {
    }

}
