package dev.junction.engine;

import dev.junction.spi.ProviderPlugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The provider plugins available to an engine, by id.
 *
 * <p>Discovery is deterministic (plugins sorted by id) and fails loudly: two plugins with the same id, or a requested
 * id that no plugin has, is an error naming the candidates. Immutable and thread-safe.
 */
public final class ProviderPlugins {
    private final Map<String, ProviderPlugin> byId;

    private ProviderPlugins(Map<String, ProviderPlugin> byId) {
        this.byId = byId;
    }

    /** Finds the plugins on the class path or module path with {@link ServiceLoader}. */
    public static ProviderPlugins discover() {
        return discover(ServiceLoader.load(ProviderPlugin.class));
    }

    /** Finds the plugins visible to a class loader. */
    public static ProviderPlugins discover(ClassLoader loader) {
        return discover(ServiceLoader.load(ProviderPlugin.class, loader));
    }

    private static ProviderPlugins discover(ServiceLoader<ProviderPlugin> loader) {
        List<ProviderPlugin> found = new ArrayList<>();
        for (ProviderPlugin plugin : loader) {
            found.add(plugin);
        }
        return of(found);
    }

    /**
     * The given plugins.
     *
     * @throws IllegalStateException when two share an id, naming both classes
     */
    public static ProviderPlugins of(Collection<? extends ProviderPlugin> plugins) {
        List<ProviderPlugin> sorted = new ArrayList<>(plugins);
        sorted.sort(Comparator.comparing(ProviderPlugin::id).thenComparing(p -> p.getClass().getName()));
        Map<String, ProviderPlugin> byId = new LinkedHashMap<>();
        for (ProviderPlugin plugin : sorted) {
            ProviderPlugin previous = byId.putIfAbsent(plugin.id(), plugin);
            if (previous != null) {
                throw new IllegalStateException("two provider plugins have the id '" + plugin.id() + "': "
                        + previous.getClass().getName() + " and " + plugin.getClass().getName()
                        + "; remove one from the class path");
            }
        }
        return new ProviderPlugins(byId);
    }

    /**
     * The plugin with this id.
     *
     * @throws IllegalStateException when there is none, naming the ids that exist
     */
    public ProviderPlugin require(String id) {
        ProviderPlugin plugin = byId.get(id);
        if (plugin == null) {
            throw new IllegalStateException("no provider plugin with id '" + id + "'; found "
                    + (byId.isEmpty() ? "none (is a junction-plugin-* jar on the class path?)"
                    : byId.values().stream().map(p -> p.id() + " (" + p.getClass().getName() + ")")
                    .collect(Collectors.joining(", "))));
        }
        return plugin;
    }

    /** The plugin ids, sorted. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The plugins, sorted by id. */
    public List<ProviderPlugin> plugins() {
        return List.copyOf(byId.values());
    }
}
