package dev.junction.engine.internal;

import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the catalog snapshot in force and replaces it when a source reports a change.
 *
 * <p>Several sources merge in order: a later source wins on the same {@code provider/model}. A source that fails in
 * a refresh (it throws, or returns no models, duplicate ids or an invalid descriptor) is logged and keeps its previous
 * models, while the other sources' changes are applied: a source that reported a change has taken it as seen and
 * would not report it again. Thread-safe: readers take the snapshot from an atomic reference; refreshes serialize.
 */
public final class CatalogManager {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogManager.class);

    private final List<CatalogSource> sources;
    private final Map<String, ProviderClient> clients;
    private final Health health;
    private final Clock clock;
    private final List<List<ModelDescriptor>> lastLoaded;
    private final AtomicReference<CatalogSnapshot> current = new AtomicReference<>();
    private long version;

    /**
     * Loads every source once.
     *
     * @throws IllegalStateException when a source cannot be read or is invalid (there is no previous snapshot)
     */
    public CatalogManager(List<CatalogSource> sources, Map<String, ProviderClient> clients, Health health, Clock clock) {
        this.sources = List.copyOf(sources);
        this.clients = Map.copyOf(clients);
        this.health = health;
        this.clock = clock;
        this.lastLoaded = new ArrayList<>();
        for (CatalogSource s : this.sources) {
            try {
                List<ModelDescriptor> models = s.load();
                String problem = problem(models);
                if (problem != null) {
                    throw new IllegalStateException("catalog source " + s.name() + " is invalid: " + problem);
                }
                lastLoaded.add(List.copyOf(models));
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalStateException("cannot load catalog source " + s.name() + ": " + e.getMessage(), e);
            }
        }
        current.set(CatalogSnapshot.build(merge(lastLoaded), this.clients, health, ++version, clock.instant()));
    }

    public CatalogSnapshot snapshot() {
        return current.get();
    }

    /**
     * Polls every source's {@code reloadIfChanged()} and swaps in a new snapshot when something changed.
     *
     * @return whether a new snapshot is in force
     */
    public synchronized boolean refresh() {
        List<List<ModelDescriptor>> next = new ArrayList<>(lastLoaded);
        boolean changed = false;
        for (int i = 0; i < sources.size(); i++) {
            CatalogSource s = sources.get(i);
            Optional<List<ModelDescriptor>> reloaded;
            try {
                reloaded = s.reloadIfChanged();
            } catch (java.io.IOException | RuntimeException e) {
                // Keep this source's previous models, but still apply the other sources' changes: a source that
                // reported a change has recorded it as seen and will not report it again.
                LOG.warn("catalog source {} failed to reload, keeping its previous models: {}", s.name(), e.toString());
                continue;
            }
            if (reloaded == null || reloaded.isEmpty()) {
                continue;
            }
            String problem = problem(reloaded.get());
            if (problem != null) {
                LOG.warn("catalog source {} returned an invalid catalog, keeping its previous models: {}", s.name(),
                        problem);
                continue;
            }
            next.set(i, List.copyOf(reloaded.get()));
            changed = true;
        }
        if (!changed) {
            return false;
        }
        CatalogSnapshot snapshot;
        try {
            snapshot = CatalogSnapshot.build(merge(next), clients, health, version + 1, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("the refreshed catalog could not be built, keeping the previous one: {}", e.toString());
            return false;
        }
        version++;
        lastLoaded.clear();
        lastLoaded.addAll(next);
        current.set(snapshot);
        LOG.info("catalog refreshed: version {}, {} models", snapshot.version(), snapshot.size());
        return true;
    }

    /** Why a source's models cannot be used, or null when they can. */
    static String problem(List<ModelDescriptor> models) {
        if (models == null || models.isEmpty()) {
            return "no models";
        }
        Set<String> seen = new HashSet<>();
        for (ModelDescriptor d : models) {
            if (d == null) {
                return "a null model descriptor";
            }
            if (d.provider().isBlank() || d.model().isBlank()) {
                return "a blank provider or model id: '" + d.id() + "'";
            }
            if (!seen.add(d.id())) {
                return "duplicate model id " + d.id();
            }
        }
        return null;
    }

    private static List<ModelDescriptor> merge(List<List<ModelDescriptor>> lists) {
        Map<String, ModelDescriptor> byId = new LinkedHashMap<>();
        for (List<ModelDescriptor> l : lists) {
            for (ModelDescriptor d : l) {
                byId.put(d.id(), d);
            }
        }
        return new ArrayList<>(byId.values());
    }
}
