package dev.junction.embeddings.eval;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Per-prompt outcomes of several models in RouterBench's wide CSV layout: a {@code prompt} column and, per model
 * {@code M}, a column {@code M} (quality score in [0, 1]) and a column {@code M|total_cost} (USD). Other columns are
 * ignored; a model is any column {@code M} that has its {@code M|total_cost} beside it.
 *
 * @param models  the model names, in column order
 * @param prompts the prompt texts
 * @param scores  {@code [prompt][model]} quality in [0, 1]
 * @param costs   {@code [prompt][model]} cost in USD
 */
public record WideDataset(List<String> models, List<String> prompts, double[][] scores, double[][] costs) {

    /** The cost column suffix. */
    public static final String COST_SUFFIX = "|total_cost";

    public WideDataset {
        models = List.copyOf(models);
        prompts = List.copyOf(prompts);
        if (scores.length != prompts.size() || costs.length != prompts.size()) {
            throw new IllegalArgumentException("one score row and one cost row per prompt");
        }
    }

    /** Reads a wide CSV; rows with an empty score or cost are skipped. */
    public static WideDataset read(Path file) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
            Map<String, Integer> header = p.getHeaderMap();
            if (!header.containsKey("prompt")) {
                throw new IOException(file + ": no 'prompt' column; columns: " + p.getHeaderNames());
            }
            List<String> models = new ArrayList<>();
            for (String column : p.getHeaderNames()) {
                if (!column.equals("prompt") && !column.endsWith(COST_SUFFIX) && header.containsKey(column + COST_SUFFIX)) {
                    models.add(column);
                }
            }
            if (models.isEmpty()) {
                throw new IOException(file + ": no model columns (a column M needs 'M" + COST_SUFFIX + "' beside it)");
            }
            List<String> prompts = new ArrayList<>();
            List<double[]> scores = new ArrayList<>();
            List<double[]> costs = new ArrayList<>();
            rows:
            for (CSVRecord rec : p) {
                double[] s = new double[models.size()];
                double[] c = new double[models.size()];
                for (int m = 0; m < models.size(); m++) {
                    String sv = rec.get(models.get(m)).strip();
                    String cv = rec.get(models.get(m) + COST_SUFFIX).strip();
                    if (sv.isEmpty() || cv.isEmpty()) {
                        continue rows;
                    }
                    s[m] = parse(sv, file, rec, models.get(m));
                    c[m] = parse(cv, file, rec, models.get(m) + COST_SUFFIX);
                    if (s[m] < 0 || s[m] > 1) {
                        throw new IOException(file + " line " + rec.getRecordNumber() + ": score of " + models.get(m)
                                + " must be in [0, 1], was " + sv);
                    }
                }
                prompts.add(rec.get("prompt"));
                scores.add(s);
                costs.add(c);
            }
            return new WideDataset(models, prompts, scores.toArray(new double[0][]), costs.toArray(new double[0][]));
        }
    }

    private static double parse(String v, Path file, CSVRecord rec, String column) throws IOException {
        String t = v.equalsIgnoreCase("true") ? "1" : v.equalsIgnoreCase("false") ? "0" : v;
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IOException(file + " line " + rec.getRecordNumber() + ", column " + column + ": not a number: " + v, e);
        }
    }
}
