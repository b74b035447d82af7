package dev.junction.engine.catalog;

import dev.junction.spi.CatalogSource;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Several catalog sources merged into one, in a stated precedence: sources are layers, a later source wins — the
 * same order as {@code Junction.Builder.catalog(...)} called several times.
 *
 * <p>For a model id ({@code provider/model}) present in several sources, the last source that has it gives its
 * limits, prices and capabilities; its regions, data retention and quality scores are taken from the last source
 * that publishes them (non-empty regions, retention other than {@code UNKNOWN}, non-empty quality). So a price feed
 * (LiteLLM, OpenRouter, a company URL) or an override file layered after {@link DefaultCatalog#source()} updates
 * prices without losing the default catalog's quality scores — unlike the engine's own merge of several sources,
 * which replaces whole descriptors. Models appear in first-seen order.
 *
 * <p>{@link #load()} fails if any source fails. {@link #reloadIfChanged()} polls every source; when some changed, the
 * merge of everyone's latest accepted models is returned (a source whose update was rejected contributes its
 * previous models, the rejection is logged by that source); when none changed and some failed, the first failure is
 * thrown, the others attached as suppressed.
 *
 * <p>Thread-safe (synchronized); the merged lists are immutable.
 */
public final class MergedCatalogSource implements CatalogSource {
    private static final Logger LOG = LoggerFactory.getLogger(MergedCatalogSource.class);

    private final List<CatalogSource> sources;
    private final List<List<ModelDescriptor>> latest;

    private MergedCatalogSource(List<CatalogSource> sources) {
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) {
            throw new IllegalArgumentException("a merged catalog needs at least one source");
        }
        this.latest = new ArrayList<>(this.sources.size());
        for (int i = 0; i < this.sources.size(); i++) {
            latest.add(List.of());
        }
    }

    /** Merges the sources, lowest precedence first (a later source wins). */
    public static MergedCatalogSource of(CatalogSource... layers) {
        return of(List.of(layers));
    }

    /** Merges the sources, lowest precedence first (a later source wins). */
    public static MergedCatalogSource of(List<? extends CatalogSource> layers) {
        for (CatalogSource s : layers) {
            Objects.requireNonNull(s, "source");
        }
        return new MergedCatalogSource(List.copyOf(layers));
    }

    /** The sources, lowest precedence first. */
    public List<CatalogSource> sources() {
        return sources;
    }

    @Override
    public String name() {
        StringBuilder b = new StringBuilder("merged[");
        for (int i = 0; i < sources.size(); i++) {
            b.append(i == 0 ? "" : " < ").append(sources.get(i).name());
        }
        return b.append(']').toString();
    }

    @Override
    public synchronized List<ModelDescriptor> load() throws IOException {
        for (int i = 0; i < sources.size(); i++) {
            latest.set(i, List.copyOf(sources.get(i).load()));
        }
        return mergedOrThrow();
    }

    @Override
    public synchronized Optional<List<ModelDescriptor>> reloadIfChanged() throws IOException {
        boolean changed = false;
        IOException failure = null;
        for (int i = 0; i < sources.size(); i++) {
            try {
                Optional<List<ModelDescriptor>> update = sources.get(i).reloadIfChanged();
                if (update.isPresent()) {
                    latest.set(i, List.copyOf(update.get()));
                    changed = true;
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (changed) {
            if (failure != null) {
                LOG.warn("catalog {}: merging the sources that changed; rejected: {}", name(), failure.getMessage());
            }
            return Optional.of(mergedOrThrow());
        }
        if (failure != null) {
            throw failure;
        }
        return Optional.empty();
    }

    private List<ModelDescriptor> mergedOrThrow() throws InvalidCatalogException {
        List<ModelDescriptor> merged = merge(latest);
        CatalogValidation.requireUsable(merged, name());
        return merged;
    }

    /** Merges lists given lowest precedence first, as described in the class comment. */
    static List<ModelDescriptor> merge(List<List<ModelDescriptor>> layers) {
        Map<String, ModelDescriptor> byId = new LinkedHashMap<>();
        for (List<ModelDescriptor> models : layers) {
            for (ModelDescriptor higher : models) {
                byId.merge(higher.id(), higher, (lower, h) -> fillFrom(h, lower));
            }
        }
        return List.copyOf(byId.values());
    }

    /** {@code higher} with the policy and quality facts it lacks taken from {@code lower}. */
    private static ModelDescriptor fillFrom(ModelDescriptor higher, ModelDescriptor lower) {
        boolean regions = higher.regions().isEmpty() && !lower.regions().isEmpty();
        boolean retention = higher.retention() == DataRetention.UNKNOWN && lower.retention() != DataRetention.UNKNOWN;
        boolean quality = higher.quality().isEmpty() && !lower.quality().isEmpty();
        if (!regions && !retention && !quality) {
            return higher;
        }
        return new ModelDescriptor(higher.provider(), higher.model(), higher.contextWindow(),
                higher.maxOutputTokens(), higher.prices(), higher.capabilities(),
                regions ? lower.regions() : higher.regions(),
                retention ? lower.retention() : higher.retention(),
                quality ? lower.quality() : higher.quality());
    }

    @Override
    public String toString() {
        return name();
    }
}
