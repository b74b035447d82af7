package dev.junction.embeddings.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * RouteLLM's per-prompt outcomes of a strong and a weak model on MMLU, GSM8K and MT-Bench, read in place from the
 * folder layout of {@code ../shared/eval/routellm} (see its README), with the contaminated prompts dropped.
 *
 * @param mmlu    14,037 MMLU prompts (57 subjects), correctness 0/1
 * @param gsm8k   1,307 GSM8K prompts, correctness 0/1
 * @param mtBench 72 MT-Bench questions, mean GPT-4 judge score (1-10) over both turns
 */
public record RouteLlmData(List<RoutedPrompt> mmlu, List<RoutedPrompt> gsm8k, List<RoutedPrompt> mtBench) {

    /** The weak model of the data. */
    public static final String WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";
    /** The strong model of the data. */
    public static final String STRONG = "gpt-4-1106-preview";

    public RouteLlmData {
        mmlu = List.copyOf(mmlu);
        gsm8k = List.copyOf(gsm8k);
        mtBench = List.copyOf(mtBench);
    }

    /** Reads the three benchmarks from {@code dir} (the {@code routellm} folder). */
    public static RouteLlmData load(Path dir) throws IOException {
        if (!Files.isDirectory(dir.resolve("mmlu"))) {
            throw new IOException(dir + " is not RouteLLM's evaluation folder (no mmlu/ inside)");
        }
        ObjectMapper json = new ObjectMapper();
        Set<String> mmluDrop = contaminated(json, dir.resolve("mmlu/contaminated_prompts.jsonl"));
        List<RoutedPrompt> mmlu = new ArrayList<>();
        Set<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("mmlu"), "mmlu_*.csv")) {
            ds.forEach(files::add);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            String subject = name.substring("mmlu_".length(), name.length() - ".csv".length());
            readCorrectness(f, "mmlu", subject, mmluDrop, mmlu);
        }
        Set<String> gsmDrop = contaminated(json, dir.resolve("gsm8k/contaminated_prompts.jsonl"));
        List<RoutedPrompt> gsm8k = new ArrayList<>();
        readCorrectness(dir.resolve("gsm8k/gsm8k_responses.csv"), "gsm8k", "gsm8k", gsmDrop, gsm8k);
        return new RouteLlmData(mmlu, gsm8k, mtBench(json, dir.resolve("mt_bench")));
    }

    private static void readCorrectness(Path file, String benchmark, String subject, Set<String> drop,
                                        List<RoutedPrompt> out) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
            if (!p.getHeaderMap().containsKey(WEAK) || !p.getHeaderMap().containsKey(STRONG)) {
                throw new IOException(file + ": expected columns prompt, " + WEAK + ", " + STRONG + "; found "
                        + p.getHeaderNames());
            }
            for (CSVRecord rec : p) {
                String prompt = rec.get("prompt");
                if (drop.contains(prompt.strip())) {
                    continue;
                }
                out.add(new RoutedPrompt(benchmark, subject, prompt, bool(rec.get(WEAK)), bool(rec.get(STRONG))));
            }
        }
    }

    private static double bool(String v) {
        return switch (v.strip()) {
            case "True", "true", "1", "1.0" -> 1;
            case "False", "false", "0", "0.0" -> 0;
            default -> throw new IllegalArgumentException("expected True or False, got " + v);
        };
    }

    private static Set<String> contaminated(ObjectMapper json, Path file) throws IOException {
        Set<String> drop = new HashSet<>();
        if (!Files.exists(file)) {
            return drop;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    drop.add(json.readTree(line).path("eval_prompt").asText().strip());
                }
            }
        }
        return drop;
    }

    private static List<RoutedPrompt> mtBench(ObjectMapper json, Path dir) throws IOException {
        Set<String> drop = contaminated(json, dir.resolve("contaminated_prompts.jsonl"));
        Map<Integer, double[]> weak = new HashMap<>();
        Map<Integer, double[]> strong = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("judgements.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode j = json.readTree(line);
            String model = j.path("model").asText();
            Map<Integer, double[]> target = WEAK.equals(model) ? weak : STRONG.equals(model) ? strong : null;
            if (target != null) {
                double[] sumCount = target.computeIfAbsent(j.path("question_id").asInt(), k -> new double[2]);
                sumCount[0] += j.path("score").asDouble();
                sumCount[1]++;
            }
        }
        List<RoutedPrompt> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("question.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode q = json.readTree(line);
            int id = q.path("question_id").asInt();
            String first = q.path("turns").path(0).asText();
            double[] w = weak.get(id);
            double[] s = strong.get(id);
            if (drop.contains(first.strip()) || w == null || s == null) {
                continue;
            }
            out.add(new RoutedPrompt("mt-bench", q.path("category").asText(), first, w[0] / w[1], s[0] / s[1]));
        }
        return out;
    }
}
