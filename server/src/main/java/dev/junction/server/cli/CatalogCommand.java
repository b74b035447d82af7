package dev.junction.server.cli;

import dev.junction.engine.CircuitState;
import dev.junction.engine.LiveMatrix;
import dev.junction.engine.LiveStats;
import dev.junction.engine.ModelStatus;
import dev.junction.engine.catalog.CatalogView;
import dev.junction.engine.catalog.DefaultCatalog;
import dev.junction.engine.catalog.FileCatalogSource;
import dev.junction.engine.catalog.HttpCatalogSource;
import dev.junction.engine.catalog.MergedCatalogSource;
import dev.junction.spi.Capability;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code junction catalog}: the live capability and price matrix, static facts next to live statistics per model.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {
            "Shows the model catalog: context window, max output, prices per 1M tokens (input, output, cached input), capabilities, regions, data retention and quality per task category (general/coding/math/reasoning/multilingual/long context), next to live statistics (calls, error rate, time to first token, tokens per second, p95 latency, circuit state).",
            "",
            "Without --from it reads the catalog locally (the shipped default catalog, with --catalog files or URLs layered on top) and the live columns are empty: live statistics exist only inside a running engine. With --from it reads a running server's live matrix (GET <url>/admin/matrix; the gateway's rows or junction-live-matrix JSON), live statistics included.",
            "",
            "Examples:",
            "  junction catalog --provider openai --provider anthropic",
            "  junction catalog --capability tools --capability vision --json",
            "  junction catalog --no-default --catalog litellm_model_prices.json",
            "  junction catalog --from http://127.0.0.1:8080 --api-key $KEY",
            ""
        })
public final class CatalogCommand implements Callable<Integer> {

    @Option(names = "--catalog", paramLabel = "FILE|URL",
            description = "A catalog file or http(s) URL in Junction's, LiteLLM's or OpenRouter's format (detected), "
                    + "layered on the default catalog: a later source wins on prices, limits and capabilities, and "
                    + "quality, regions and retention are kept from earlier ones when it has none. Repeatable.")
    List<String> catalogs = new ArrayList<>();

    @Option(names = "--no-default", description = "Leave the shipped default catalog out (use only --catalog).")
    boolean noDefault;

    @Option(names = "--from", paramLabel = "URL|FILE",
            description = "Read the live matrix of a running Junction server (its base URL; /admin/matrix is "
                    + "appended unless the URL has a path) or a saved --json output.")
    String from;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Bearer key for --from (the server's admin key).")
    String apiKey;

    @Option(names = "--provider", paramLabel = "ID", description = "Only this provider (repeatable).")
    Set<String> providers = new LinkedHashSet<>();

    @Option(names = "--capability", paramLabel = "CAP", converter = CapabilityConverter.class,
            description = "Only models with this capability: tools, json_schema, vision, streaming, reasoning "
                    + "(repeatable; all are required).")
    Set<Capability> capabilities = EnumSet.noneOf(Capability.class);

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "id",
            description = "Row order: id, input (price), output (price), context. Default: ${DEFAULT-VALUE}.")
    String sort;

    @Option(names = "--json", description = "Print JSON (the junction-live-matrix format) instead of a table.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Parses capability names case-insensitively, naming the accepted values on error. */
    static final class CapabilityConverter implements picocli.CommandLine.ITypeConverter<Capability> {
        @Override
        public Capability convert(String value) {
            try {
                return Capability.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown capability '" + value
                        + "', expected one of tools, json_schema, vision, streaming, reasoning");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LiveMatrix matrix;
        try {
            matrix = from != null ? remote(from) : local(err);
        } catch (IOException | IllegalArgumentException e) {
            err.println("junction catalog: " + JunctionCli.describe(e));
            return 2;
        }
        List<ModelStatus> rows = new ArrayList<>(CatalogView.rows(matrix, new CatalogView.Filter(providers,
                capabilities)));
        Comparator<ModelStatus> order = switch (sort.toLowerCase(Locale.ROOT)) {
            case "input" -> Comparator.comparingDouble(s -> s.descriptor().prices().inputPerMillion());
            case "output" -> Comparator.comparingDouble(s -> s.descriptor().prices().outputPerMillion());
            case "context" -> Comparator.comparingInt((ModelStatus s) -> s.descriptor().contextWindow()).reversed();
            case "id" -> Comparator.comparing(ModelStatus::modelId);
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--sort must be id, input, output or context, was " + sort);
        };
        rows.sort(order.thenComparing(ModelStatus::modelId));
        if (json) {
            out.println(CatalogView.toJson(matrix, rows));
        } else {
            out.print(CatalogView.table(rows));
            out.println(rows.size() + " of " + matrix.models().size() + " models"
                    + (from == null ? "; live statistics need a running engine (--from URL)" : ", catalog version "
                    + matrix.version() + " loaded " + matrix.loadedAt()));
        }
        out.flush();
        return 0;
    }

    private LiveMatrix local(PrintWriter err) throws IOException {
        List<CatalogSource> layers = new ArrayList<>();
        if (!noDefault) {
            layers.add(DefaultCatalog.source());
        }
        for (String c : catalogs) {
            layers.add(c.startsWith("http://") || c.startsWith("https://")
                    ? HttpCatalogSource.builder(URI.create(c)).build() : FileCatalogSource.of(Path.of(c)));
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("--no-default needs at least one --catalog");
        }
        List<ModelDescriptor> models = MergedCatalogSource.of(layers).load();
        for (CatalogSource s : layers) {
            if (s instanceof FileCatalogSource f && f.lastImport() != null) {
                err.println(f.lastImport());
            }
        }
        List<ModelStatus> rows = new ArrayList<>(models.size());
        for (ModelDescriptor d : models) {
            rows.add(new ModelStatus(d, false, LiveStats.EMPTY, CircuitState.CLOSED, CircuitState.CLOSED));
        }
        return new LiveMatrix(0, Instant.now(), rows);
    }

    private LiveMatrix remote(String location) throws IOException {
        if (!location.startsWith("http://") && !location.startsWith("https://")) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(Path.of(location));
            } catch (IOException e) {
                throw new IOException("cannot read " + location, e);
            }
            return CatalogView.fromJson(bytes, location);
        }
        URI uri = URI.create(location);
        if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
            uri = uri.resolve("/admin/matrix");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + uri, e);
        } catch (IOException e) {
            throw new IOException("cannot read " + uri + ": " + e, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        return CatalogView.fromJson(response.body(), uri.toString());
    }
}
