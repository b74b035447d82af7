package dev.junction.engine.internal;

import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable catalog: every model with its precomputed routing data, sorted by {@code provider/model}.
 *
 * <p>Built once per catalog change and swapped atomically; requests read it without locking.
 */
public final class CatalogSnapshot {
    final ModelEntry[] entries;
    final String[] providers;
    final long version;
    final Instant loadedAt;
    private final Map<String, ModelEntry> byId;

    private CatalogSnapshot(ModelEntry[] entries, String[] providers, long version, Instant loadedAt) {
        this.entries = entries;
        this.providers = providers;
        this.version = version;
        this.loadedAt = loadedAt;
        this.byId = new HashMap<>();
        for (ModelEntry e : entries) {
            byId.put(e.id, e);
        }
    }

    /**
     * Builds a snapshot.
     *
     * @param models  the descriptors, unique by id
     * @param clients the configured provider clients by provider id
     */
    public static CatalogSnapshot build(List<ModelDescriptor> models, Map<String, ProviderClient> clients,
                                        Health health, long version, Instant loadedAt) {
        List<ModelDescriptor> sorted = new ArrayList<>(models);
        sorted.sort(Comparator.comparing(ModelDescriptor::id));
        List<String> providers = new ArrayList<>();
        Map<String, Integer> providerIndex = new HashMap<>();
        ModelEntry[] entries = new ModelEntry[sorted.size()];
        for (int i = 0; i < entries.length; i++) {
            ModelDescriptor d = sorted.get(i);
            Integer idx = providerIndex.get(d.provider());
            if (idx == null) {
                idx = providers.size();
                providers.add(d.provider());
                providerIndex.put(d.provider(), idx);
            }
            entries[i] = new ModelEntry(d, idx, clients.get(d.provider()), health);
        }
        return new CatalogSnapshot(entries, providers.toArray(new String[0]), version, loadedAt);
    }

    public ModelEntry entry(String modelId) {
        return byId.get(modelId);
    }

    /** The {@code i}-th model in id order. */
    public ModelEntry get(int i) {
        return entries[i];
    }

    public int size() {
        return entries.length;
    }

    public long version() {
        return version;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public List<ModelEntry> entries() {
        return List.of(entries);
    }
}
