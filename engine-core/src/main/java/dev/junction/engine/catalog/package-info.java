/**
 * The model catalog: the shipped {@link dev.junction.engine.catalog.DefaultCatalog}, readers for Junction's own
 * format, LiteLLM's {@code model_prices_and_context_window.json} and OpenRouter's {@code /api/v1/models}
 * ({@link dev.junction.engine.catalog.CatalogFormat}), and live sources for the engine's catalog refresh.
 *
 * <p>Live updates: {@link dev.junction.engine.catalog.FileCatalogSource} (a watched file, compared by content on each
 * refresh) and {@link dev.junction.engine.catalog.HttpCatalogSource} (an HTTP(S) URL polled at most once per interval
 * with {@code If-None-Match}). Each implements {@code CatalogSource.reloadIfChanged()}; the engine
 * ({@code Junction.refreshCatalog()}, or its refresh interval) builds a new immutable snapshot from a change and swaps
 * it in atomically. A bad update is rejected — its reason logged and thrown — and the previous snapshot stays in
 * force.
 *
 * <p>Layering: {@link dev.junction.engine.catalog.MergedCatalogSource} merges sources in order, a later one winning
 * (the engine's order for several {@code catalog(...)} calls), but keeping quality scores, regions and retention from
 * earlier layers when the later one has none — so a price feed on top of the default catalog keeps its quality
 * scores:
 *
 * <pre>{@code
 * Junction junction = Junction.builder()
 *         .catalog(MergedCatalogSource.of(
 *                 DefaultCatalog.source(),
 *                 HttpCatalogSource.builder(URI.create("https://prices.example.com/litellm.json")).build(),
 *                 FileCatalogSource.of(Path.of("catalog-overrides.json"))))
 *         .build();
 * }</pre>
 *
 * <p>{@link dev.junction.engine.catalog.CatalogView} renders the engine's live matrix (static facts next to live
 * statistics) for {@code junction catalog} and admin views.
 */
package dev.junction.engine.catalog;
