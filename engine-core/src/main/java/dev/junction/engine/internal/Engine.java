package dev.junction.engine.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.junction.engine.BudgetExceededException;
import dev.junction.engine.BudgetLedger;
import dev.junction.engine.CachePolicy;
import dev.junction.engine.Candidate;
import dev.junction.engine.DispatchFailedException;

import dev.junction.engine.Intent;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.engine.LiveMatrix;
import dev.junction.engine.ModelStatus;
import dev.junction.engine.RouteDecision;
import dev.junction.engine.Scheduler;
import dev.junction.spi.AuditRecord;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.CacheStats;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.ProviderException;
import dev.junction.spi.RequestContext;
import dev.junction.spi.RequestInterceptor;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The request pipeline: normalize → interceptors → exact cache → embed → semantic cache → assess → select →
 * dispatch → record. Each step is one method calling one stage object; no step reaches around another.
 *
 * <p>Thread-safe; one engine serves all requests.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** The tenant of requests that name none. */
    public static final String DEFAULT_TENANT = "default";

    private final EngineParts parts;
    private final CatalogManager catalog;
    private final Health health;
    private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    private final EngineMetrics metrics;
    private final Router router;
    private final Dispatcher dispatcher;
    private final RequestInterceptor[] interceptors;
    private final Cache<String, float[]> embeddings;
    private final String embedderId;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Scheduler.Cancellable refreshTask;

    public Engine(EngineParts parts) {
        this.parts = parts;
        this.health = new Health(parts.circuit(), parts.clock());
        this.catalog = new CatalogManager(parts.catalogSources(), parts.clients(), health, parts.clock());
        this.metrics = new EngineMetrics(parts.meterRegistry());
        this.router = new Router(parts.predictor());
        Scheduler handOff = (delay, task) -> parts.scheduler().schedule(delay, () -> {
            try {
                parts.executor().execute(task);
            } catch (RejectedExecutionException e) {
                // The executor was shut down (close() with requests in flight): run the timer's work here so that
                // their deadlines, retries and hedges still end them instead of leaving their futures pending.
                task.run();
            }
        });
        this.dispatcher = new Dispatcher(parts.clock(), handOff, parts.retry(), health, new Dispatcher.Listener() {
            @Override
            public void attemptFinished(ModelEntry e, boolean success, long durationNanos, long ttftNanos,
                                        long outputTokens, ProviderException error) {
                e.stats.record(Dispatcher.nanos(parts.clock()), success, durationNanos, ttftNanos, outputTokens);
                metrics.attempt(e.provider, e.model, success);
            }

            @Override
            public void failover(ModelEntry from, ModelEntry to) {
                metrics.failover(from.provider, from.model, to.provider, to.model);
            }
        });
        this.interceptors = parts.interceptors().toArray(new RequestInterceptor[0]);
        this.embeddings = parts.embedder() == null ? null : Caffeine.newBuilder().maximumSize(1024).build();
        this.embedderId = parts.embedder() == null ? "none" : parts.embedder().modelId();
        parts.tenantCaps().forEach(ledger::setTenantCap);
        parts.providerCaps().forEach(ledger::setProviderCap);
        scheduleRefresh();
    }

    private void scheduleRefresh() {
        Duration every = parts.refreshInterval();
        if (every.isZero() || closed.get()) {
            return;
        }
        refreshTask = parts.scheduler().schedule(every, () -> parts.executor().execute(() -> {
            try {
                catalog.refresh();
            } catch (RuntimeException e) {
                LOG.warn("catalog refresh failed, keeping the previous catalog", e);
            } finally {
                scheduleRefresh();
            }
        }));
    }

    // ---- 1 normalize -------------------------------------------------------------------------------------------

    /** The per-request facts every later stage reads. */
    static final class Call {
        final String requestId;
        final String tenantId;
        final Instant receivedAt;
        final long startNanos;
        final Intent intent;
        final boolean streaming;
        ChatRequest request;
        RequestContext context;
        String namespace;
        String exactKey;
        float[] embedding;
        PromptAssessment assessment;

        Call(String requestId, String tenantId, Instant receivedAt, long startNanos, Intent intent, boolean streaming,
             ChatRequest request) {
            this.requestId = requestId;
            this.tenantId = tenantId;
            this.receivedAt = receivedAt;
            this.startNanos = startNanos;
            this.intent = intent;
            this.streaming = streaming;
            this.request = request;
        }
    }

    private Call normalize(ChatRequest request, Intent intent, boolean streaming) {
        if (closed.get()) {
            throw new IllegalStateException("this Junction is closed");
        }
        if (request == null) {
            throw new NullPointerException("request");
        }
        if (intent == null) {
            throw new NullPointerException("intent");
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String id = new UUID(rnd.nextLong() & 0xffffffffffff0fffL | 0x4000L, rnd.nextLong() & 0x3fffffffffffffffL
                | 0x8000000000000000L).toString();
        String tenant = request.tenantId() == null || request.tenantId().isBlank() ? DEFAULT_TENANT : request.tenantId();
        if (!tenant.equals(request.tenantId())) {
            request = request.withTenant(tenant, request.userId());
        }
        Instant now = parts.clock().instant();
        Call call = new Call(id, tenant, now, now.getEpochSecond() * 1_000_000_000L + now.getNano(), intent, streaming,
                request);
        call.context = new RequestContext(id, tenant, now);
        return call;
    }

    // ---- 2 interceptors ----------------------------------------------------------------------------------------

    private void intercept(Call call) {
        for (RequestInterceptor i : interceptors) {
            ChatRequest next = i.beforeRequest(call.context, call.request);
            if (next == null) {
                throw new IllegalStateException("interceptor " + i.name() + " returned no request");
            }
            call.request = next;
        }
    }

    private ChatResponse afterResponse(Call call, ChatResponse response) {
        ChatResponse r = response;
        for (int k = interceptors.length - 1; k >= 0; k--) {
            r = interceptors[k].afterResponse(call.context, r);
        }
        return r;
    }

    // ---- 3 exact cache / 5 semantic cache ----------------------------------------------------------------------

    private boolean cacheOn(Call call) {
        return parts.cacheStore() != null && call.intent.cachePolicy().mode() != CachePolicy.Mode.OFF;
    }

    private Optional<CacheHit> exactLookup(Call call) {
        call.namespace = RequestHasher.namespace(call.tenantId, call.request, embedderId);
        call.exactKey = RequestHasher.exactKey(call.namespace, call.request);
        return lookup(call, () -> parts.cacheStore().lookupExact(new CacheQuery(call.tenantId, call.namespace,
                call.exactKey, null, null, null, call.intent.minQuality(), call.receivedAt)));
    }

    private Optional<CacheHit> semanticLookup(Call call) {
        if (call.intent.cachePolicy().mode() != CachePolicy.Mode.SEMANTIC || call.embedding == null) {
            return Optional.empty();
        }
        return lookup(call, () -> parts.cacheStore().lookupSimilar(new CacheQuery(call.tenantId, call.namespace,
                call.exactKey, call.request.lastUserText(), call.embedding, call.intent.cachePolicy().threshold(),
                call.intent.minQuality(), call.receivedAt)));
    }

    /** A cache that fails to answer is a miss: the request goes on to a model instead of failing. */
    private static Optional<CacheHit> lookup(Call call, java.util.function.Supplier<Optional<CacheHit>> lookup) {
        try {
            return lookup.get();
        } catch (RuntimeException e) {
            LOG.warn("cache look-up failed for {}, treating it as a miss: {}", call.requestId, e.toString());
            return Optional.empty();
        }
    }

    // ---- 4 embed -----------------------------------------------------------------------------------------------

    private void embed(Call call, boolean cacheOn) {
        if (parts.embedder() == null) {
            return;
        }
        boolean semantic = cacheOn && call.intent.cachePolicy().mode() == CachePolicy.Mode.SEMANTIC;
        if (!semantic && parts.builtInPredictor()) {
            return;
        }
        String text = call.request.lastUserText();
        if (text.isEmpty()) {
            return;
        }
        try {
            call.embedding = embeddings.get(text, t -> parts.embedder().embed(t));
        } catch (RuntimeException e) {
            // Like a failed cache look-up: the request goes on without the semantic tier or the embedding's signal.
            LOG.warn("embedding failed for {}, going on without it: {}", call.requestId, e.toString());
        }
    }

    // ---- 6 assess and select -----------------------------------------------------------------------------------

    /** A routed request: its chain, and the budget hold that covers it until the request ends. */
    private record Routed(Router.Selection sel, InMemoryBudgetLedger.Hold hold) {
    }

    /** How often routing is tried again when requests in flight took the budget a chain needed meanwhile. */
    private static final int HOLD_TRIES = 3;

    /**
     * Selects the chain and holds its estimated cost on the capped budgets, cutting the chain to the candidates the
     * hold covers. When not even the first fits any more (concurrent requests took it since the router looked), the
     * router chooses again from what is left now.
     */
    private Routed route(Call call) {
        call.assessment = parts.predictor().assess(call.request, call.embedding);
        // A predictor's estimate may leave out images, tools or the response schema: the hard context-window check
        // takes the larger of it and the engine's own estimate.
        int inputTokens = Math.max(call.assessment.inputTokens(), TokenEstimator.estimate(call.request));
        for (int tries = 1; ; tries++) {
            Router.Selection sel = router.select(catalog.snapshot(), call.request, call.intent, call.tenantId,
                    call.assessment, inputTokens, call.streaming, ledger, parts.clock().millis());
            Candidate[] chain = sel.chain();
            InMemoryBudgetLedger.Hold hold = ledger.hold(call.tenantId, chain, sel.entries());
            int fits = hold.fits();
            if (fits >= chain.length) {
                return new Routed(sel, hold);
            }
            if (fits > 0) {
                return new Routed(new Router.Selection(Arrays.copyOf(chain, fits), Arrays.copyOf(sel.entries(), fits),
                        sel.exclusions(), sel.violated()), hold);
            }
            if (tries == HOLD_TRIES) {
                throw new BudgetExceededException(hold.refusedBy(), hold.refusedLeft(), chain[0].estimatedCostUsd());
            }
        }
    }

    // ---- the public operations ---------------------------------------------------------------------------------

    public CompletableFuture<JunctionResponse> completeAsync(ChatRequest request, Intent intent) {
        Call call = normalize(request, intent, false);
        try {
            intercept(call);
            boolean cacheOn = cacheOn(call);
            if (cacheOn) {
                Optional<CacheHit> hit = exactLookup(call);
                if (hit.isPresent()) {
                    return CompletableFuture.completedFuture(fromCache(call, hit.get()));
                }
            }
            embed(call, cacheOn);
            if (cacheOn) {
                Optional<CacheHit> hit = semanticLookup(call);
                if (hit.isPresent()) {
                    return CompletableFuture.completedFuture(fromCache(call, hit.get()));
                }
            }
            Routed routed = route(call);
            Router.Selection sel = routed.sel();
            long deadline = call.startNanos + call.intent.latencyBudget().toNanos();
            // The bookkeeping hangs off the dispatcher's own future: cancelling the returned one stops the caller's
            // wait, not the provider call, which is still charged, released and cached when it ends.
            CompletableFuture<JunctionResponse> result = new CompletableFuture<>();
            CompletableFuture<Dispatcher.Outcome> dispatched;
            try {
                dispatched = dispatcher.complete(call.request, sel.chain(), sel.entries(), deadline, call.requestId,
                        call.intent.hedgeAfter());
            } catch (RuntimeException e) {
                routed.hold().release();
                throw e;
            }
            dispatched.whenComplete((outcome, error) -> {
                try {
                    if (error == null) {
                        result.complete(answered(call, sel, outcome.response(), outcome.index(), outcome.attempts(), -1,
                                cacheOn));
                    } else {
                        double cost = error instanceof Dispatcher.Failure f
                                ? chargeCancelled(call, sel, f.attempts(), null) : 0;
                        result.completeExceptionally(dispatchFailed(call, sel, error, -1, Usage.ZERO, cost));
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    routed.hold().release();
                }
            });
            return result;
        } catch (RuntimeException e) {
            audit(call, null, null, null, Usage.ZERO, 0, CacheStatus.BYPASS, 0, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    public JunctionStream stream(ChatRequest request, Intent intent) {
        Call call = normalize(request, intent, true);
        try {
            intercept(call);
            boolean cacheOn = cacheOn(call);
            if (cacheOn) {
                Optional<CacheHit> hit = exactLookup(call);
                if (hit.isPresent()) {
                    JunctionResponse r = fromCache(call, hit.get());
                    return new JunctionStream(new ReplayPublisher(r.response()), CompletableFuture.completedFuture(r.decision()));
                }
            }
            embed(call, cacheOn);
            if (cacheOn) {
                Optional<CacheHit> hit = semanticLookup(call);
                if (hit.isPresent()) {
                    JunctionResponse r = fromCache(call, hit.get());
                    return new JunctionStream(new ReplayPublisher(r.response()), CompletableFuture.completedFuture(r.decision()));
                }
            }
            Routed routed = route(call);
            Router.Selection sel = routed.sel();
            long deadline = call.startNanos + call.intent.latencyBudget().toNanos();
            Duration ttft = call.intent.timeToFirstTokenBudget();
            CompletableFuture<RouteDecision> decision = new CompletableFuture<>();
            StreamCall streamCall;
            try {
                streamCall = new StreamCall(dispatcher, call.request, sel.chain(), sel.entries(), deadline,
                        ttft == null ? -1 : ttft.toNanos(), call.requestId, call.intent.hedgeAfter(),
                        new StreamCall.Listener() {
                            @Override
                            public void succeeded(ChatResponse response, int index,
                                                  List<dev.junction.engine.Attempt> attempts, long ttftNanos) {
                                try {
                                    decision.complete(answered(call, sel, response, index, attempts, ttftNanos, cacheOn)
                                            .decision());
                                } catch (RuntimeException e) {
                                    decision.completeExceptionally(e);
                                } finally {
                                    routed.hold().release();
                                }
                            }

                            @Override
                            public void failed(Dispatcher.Failure failure, int index, Usage delivered) {
                                try {
                                    // A stream cut or cancelled after its first token is billed for what it sent.
                                    double cost = 0;
                                    String charged = null;
                                    if (delivered != null && index >= 0) {
                                        ModelEntry e = sel.entries()[index];
                                        cost = cost(e, delivered);
                                        ledger.record(call.tenantId, e.provider, cost);
                                        charged = e.id;
                                    }
                                    cost += chargeCancelled(call, sel, failure.attempts(), charged);
                                    decision.completeExceptionally(dispatchFailed(call, sel, failure, index,
                                            delivered == null ? Usage.ZERO : delivered, cost));
                                } finally {
                                    routed.hold().release();
                                }
                            }
                        });
            } catch (RuntimeException e) {
                routed.hold().release();
                throw e;
            }
            return new JunctionStream(streamCall, decision);
        } catch (RuntimeException e) {
            audit(call, null, null, null, Usage.ZERO, 0, CacheStatus.BYPASS, 0, e);
            throw e;
        }
    }

    // ---- 8 record ----------------------------------------------------------------------------------------------

    private JunctionResponse fromCache(Call call, CacheHit hit) {
        metrics.cacheHit(hit.status());
        ChatResponse response = afterResponse(call, hit.entry().response());
        RouteDecision decision = new RouteDecision(call.requestId, null, List.of(), List.of(), null, hit.status(),
                hit.similarity(), hit.entry().id(), List.of(), null, 0);
        long took = Dispatcher.nanos(parts.clock()) - call.startNanos;
        metrics.request("cache", "cache", true, took, 0, 0, 0);
        audit(call, null, null, null, Usage.ZERO, 0, hit.status(), 0, null);
        return new JunctionResponse(response, decision);
    }

    /**
     * The usage an answer is charged for: what the provider reported or, when it reported none (an OpenAI-compatible
     * server asked not to send stream usage, or one that omits it), an estimate, so that such answers still count
     * against budgets.
     */
    static Usage billed(ChatRequest request, ChatResponse response) {
        if (!response.usage().equals(Usage.ZERO)) {
            return response.usage();
        }
        long chars = response.text() == null ? 0 : response.text().length();
        for (ToolCall c : response.toolCalls()) {
            chars += c.name().length() + c.argumentsJson().length();
        }
        return TokenEstimator.estimateUsage(request, chars);
    }

    /** The actual cost of reported usage at the model's prices. */
    static double cost(ModelEntry e, Usage u) {
        long uncached = Math.max(0, u.inputTokens() - u.cachedInputTokens());
        return uncached * e.inputPerToken + u.cachedInputTokens() * e.cachedInputPerToken
                + u.outputTokens() * e.outputPerToken;
    }

    /**
     * Charges the attempts that were cancelled after they were sent (a hedged attempt cancelled because another
     * answered first, or one the caller cancelled before its first token) the prompt's estimated input at each one's
     * model's prices: the provider received the prompt and may bill it, so a budget that ignored them would under-count
     * what hedging spends. {@code skip}: the model whose cancelled attempt was already charged for what it delivered,
     * or null. Attempts that failed or timed out are not charged (a timeout may be a connection that never opened).
     *
     * @return what was charged, in USD
     */
    private double chargeCancelled(Call call, Router.Selection sel, List<dev.junction.engine.Attempt> attempts,
                                   String skip) {
        double total = 0;
        long prompt = -1;
        for (dev.junction.engine.Attempt a : attempts) {
            if (a.outcome() != dev.junction.engine.Attempt.Outcome.CANCELLED || a.modelId().equals(skip)) {
                continue;
            }
            for (ModelEntry e : sel.entries()) {
                if (e.id.equals(a.modelId())) {
                    if (prompt < 0) {
                        prompt = TokenEstimator.estimate(call.request);
                    }
                    double c = cost(e, Usage.of(prompt, 0));
                    ledger.record(call.tenantId, e.provider, c);
                    metrics.cancelled(e.provider, e.model, prompt, c);
                    total += c;
                    break;
                }
            }
        }
        return total;
    }

    private JunctionResponse answered(Call call, Router.Selection sel, ChatResponse response, int index,
                                      List<dev.junction.engine.Attempt> attempts, long ttftNanos, boolean cacheOn) {
        ModelEntry e = sel.entries()[index];
        Candidate chosen = sel.chain()[index];
        Usage billed = billed(call.request, response);
        double cost = cost(e, billed);
        ledger.record(call.tenantId, e.provider, cost);
        double cancelled = chargeCancelled(call, sel, attempts, null);
        CacheStatus status = cacheOn ? CacheStatus.MISS : CacheStatus.BYPASS;
        String stored = null;
        if (cacheOn && (response.finishReason() == FinishReason.STOP || response.finishReason() == FinishReason.TOOL_CALLS)) {
            try {
                Instant now = parts.clock().instant();
                // The store keeps the entry's array: give it a copy, not the memoized embedding later requests use.
                parts.cacheStore().put(new CacheEntry(call.requestId, call.tenantId, call.namespace, call.exactKey,
                        call.request.lastUserText(), call.embedding == null ? null : call.embedding.clone(), response, chosen.predictedQuality(), cost, now,
                        now.plus(call.intent.cachePolicy().ttl()), 0));
                stored = call.requestId;
            } catch (RuntimeException ex) {
                LOG.warn("could not store answer {} in the cache: {}", call.requestId, ex.toString());
            }
        }
        long took = Dispatcher.nanos(parts.clock()) - call.startNanos;
        metrics.request(e.provider, e.model, true, took, billed.inputTokens(), billed.outputTokens(), cost);
        RouteDecision decision = new RouteDecision(call.requestId, chosen, Arrays.asList(sel.chain()), sel.exclusions(),
                call.assessment, status, Double.NaN, stored, attempts, sel.violated(), cost + cancelled);
        audit(call, e.provider, e.model, response.modelVersion(), billed, cost + cancelled, status, attempts.size(), null,
                ttftNanos);
        ChatResponse out = call.streaming ? response : afterResponse(call, response);
        return new JunctionResponse(out, decision);
    }

    /**
     * The exception a failed call ends with. {@code index}: the candidate that was delivering when a stream was cut,
     * or -1; {@code spent} and {@code cost}: what that cut stream was charged.
     */
    private RuntimeException dispatchFailed(Call call, Router.Selection sel, Throwable error, int index, Usage spent,
                                            double cost) {
        Throwable t = error;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof Dispatcher.Failure f) {
            RouteDecision decision = new RouteDecision(call.requestId, null, Arrays.asList(sel.chain()),
                    sel.exclusions(), call.assessment, cacheOn(call) ? CacheStatus.MISS : CacheStatus.BYPASS,
                    Double.NaN, null, f.attempts(), sel.violated(), cost);
            DispatchFailedException ex = new DispatchFailedException(f.getMessage(), decision, f.last());
            long took = Dispatcher.nanos(parts.clock()) - call.startNanos;
            ModelEntry e = sel.entries()[Math.max(0, index)];
            metrics.request(e.provider, e.model, false, took, spent.inputTokens(), spent.outputTokens(), cost);
            audit(call, null, null, null, spent, cost, decision.cacheStatus(), f.attempts().size(), ex);
            return ex;
        }
        RuntimeException ex = t instanceof RuntimeException r ? r : new IllegalStateException(t);
        audit(call, null, null, null, Usage.ZERO, 0, CacheStatus.BYPASS, 0, ex);
        return ex;
    }

    private void audit(Call call, String provider, String model, String version, Usage usage, double cost,
                       CacheStatus status, int attempts, Throwable error) {
        audit(call, provider, model, version, usage, cost, status, attempts, error, -1);
    }

    private void audit(Call call, String provider, String model, String version, Usage usage, double cost,
                       CacheStatus status, int attempts, Throwable error, long ttftNanos) {
        if (parts.auditListeners().isEmpty() && interceptors.length == 0) {
            return;
        }
        AuditRecord record = new AuditRecord(call.requestId, call.tenantId, provider, model, version, call.receivedAt,
                parts.clock().instant(), ttftNanos < 0 ? null : Duration.ofNanos(ttftNanos), usage, cost, status,
                attempts, error == null ? null : error.getClass().getSimpleName() + ": " + error.getMessage());
        for (Consumer<AuditRecord> l : parts.auditListeners()) {
            try {
                l.accept(record);
            } catch (RuntimeException e) {
                LOG.warn("audit listener failed on {}: {}", call.requestId, e.toString());
            }
        }
        for (RequestInterceptor i : interceptors) {
            try {
                i.onAudit(record);
            } catch (RuntimeException e) {
                LOG.warn("interceptor {} failed on the audit of {}: {}", i.name(), call.requestId, e.toString());
            }
        }
    }

    // ---- views -------------------------------------------------------------------------------------------------

    public LiveMatrix liveMatrix() {
        CatalogSnapshot s = catalog.snapshot();
        List<ModelStatus> rows = new ArrayList<>(s.size());
        for (ModelEntry e : s.entries) {
            rows.add(new ModelStatus(e.descriptor, e.client != null, e.stats.view(), e.providerCircuit.state(),
                    e.modelCircuit.state()));
        }
        return new LiveMatrix(s.version(), s.loadedAt(), rows);
    }

    public List<ModelDescriptor> models() {
        List<ModelDescriptor> out = new ArrayList<>();
        for (ModelEntry e : catalog.snapshot().entries) {
            out.add(e.descriptor);
        }
        return out;
    }

    public boolean reportWrongCacheHit(String tenantId, String cacheEntryId) {
        if (cacheEntryId == null) {
            throw new NullPointerException("cacheEntryId");
        }
        String tenant = tenantId == null || tenantId.isBlank() ? DEFAULT_TENANT : tenantId;
        return parts.cacheStore() != null && parts.cacheStore().reportWrongHit(tenant, cacheEntryId);
    }

    public CacheStats cacheStats() {
        return parts.cacheStore() == null ? new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : parts.cacheStore().stats();
    }

    public BudgetLedger budgets() {
        return ledger;
    }

    public boolean refreshCatalog() {
        return catalog.refresh();
    }

    public List<String> providers() {
        return parts.clients().keySet().stream().sorted().toList();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Scheduler.Cancellable t = refreshTask;
        if (t != null) {
            t.cancel();
        }
        for (AutoCloseable c : parts.ownedResources()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }

}
