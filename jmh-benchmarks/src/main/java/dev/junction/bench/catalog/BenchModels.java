package dev.junction.bench.catalog;

import dev.junction.spi.CallOptions;
import dev.junction.spi.Capability;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.TaskCategory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Synthetic catalogs, a provider client that is never called, and a source that changes on every poll. */
final class BenchModels {
    private BenchModels() {
    }

    /** {@code n} models over 13 providers with varied prices, limits, capabilities and quality; {@code priceFactor} scales prices. */
    static List<ModelDescriptor> synthetic(int n, double priceFactor) {
        SplittableRandom rnd = new SplittableRandom(7);
        List<ModelDescriptor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double in = (0.05 + rnd.nextDouble() * 15) * priceFactor;
            Map<TaskCategory, Double> q = new EnumMap<>(TaskCategory.class);
            for (TaskCategory c : TaskCategory.values()) {
                q.put(c, 0.3 + rnd.nextDouble() * 0.65);
            }
            Set<Capability> caps = EnumSet.of(Capability.STREAMING);
            if (rnd.nextInt(4) != 0) {
                caps.add(Capability.TOOLS);
            }
            if (rnd.nextInt(3) == 0) {
                caps.add(Capability.VISION);
            }
            out.add(new ModelDescriptor("p" + (i % 13), "model-" + i, 8_192 << rnd.nextInt(7), 4_096,
                    new Prices(in, in * 4, in / 10), caps, Set.of("us", "eu"),
                    rnd.nextInt(5) == 0 ? DataRetention.ZERO : DataRetention.LIMITED, q));
        }
        return out;
    }

    static Map<String, ProviderClient> clients(List<ModelDescriptor> models) {
        Map<String, ProviderClient> clients = new HashMap<>();
        for (ModelDescriptor m : models) {
            clients.computeIfAbsent(m.provider(), NeverCalledClient::new);
        }
        return clients;
    }

    /** A source whose every {@code reloadIfChanged()} returns the other of two price lists: each poll is a swap. */
    static final class AlternatingSource implements CatalogSource {
        private final List<ModelDescriptor> a;
        private final List<ModelDescriptor> b;
        private boolean flip;

        AlternatingSource(int n) {
            this.a = synthetic(n, 1.0);
            this.b = synthetic(n, 0.9);
        }

        @Override
        public String name() {
            return "alternating";
        }

        @Override
        public List<ModelDescriptor> load() {
            return a;
        }

        @Override
        public synchronized Optional<List<ModelDescriptor>> reloadIfChanged() {
            flip = !flip;
            return Optional.of(flip ? b : a);
        }
    }

    /** Configures a provider for the router; the benchmarks only select, they never call. */
    static final class NeverCalledClient implements ProviderClient {
        private final String providerId;

        NeverCalledClient(String providerId) {
            this.providerId = providerId;
        }

        @Override
        public String providerId() {
            return providerId;
        }

        @Override
        public void validate(ChatRequest request, ModelDescriptor model) {
        }

        @Override
        public CompletableFuture<ChatResponse> complete(ChatRequest request, CallOptions options) {
            throw new UnsupportedOperationException("selection benchmarks never call a provider");
        }

        @Override
        public Flow.Publisher<StreamEvent> stream(ChatRequest request, CallOptions options) {
            throw new UnsupportedOperationException("selection benchmarks never call a provider");
        }

        @Override
        public void close() {
        }
    }
}
