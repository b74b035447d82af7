package dev.junction.embeddings.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostQualityReportTest {

    /** 10 prompts; "cheap" ($1) gets the first 6 right, "big" ($10) gets 9 right (all but the last). */
    static WideDataset data(Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("prompt,cheap,cheap|total_cost,big,big|total_cost,ignored\n");
        for (int i = 0; i < 10; i++) {
            csv.append("\"p").append(i).append(", quoted\",").append(i < 6 ? 1 : 0).append(",1,").append(i < 9 ? 1 : 0)
                    .append(",10,x\n");
        }
        Path f = dir.resolve("wide.csv");
        Files.writeString(f, csv);
        return WideDataset.read(f);
    }

    @Test
    void readsTheWideLayout(@TempDir Path dir) throws IOException {
        WideDataset d = data(dir);
        assertEquals(List.of("cheap", "big"), d.models());
        assertEquals(10, d.prompts().size());
        assertEquals("p0, quoted", d.prompts().get(0));
    }

    @Test
    void perfectPredictionsMatchTheOracleAndBeatRandom(@TempDir Path dir) throws IOException {
        WideDataset d = data(dir);
        CostQualityReport.Report r = CostQualityReport.of(d, d.scores(), new double[] {1, 10});
        assertEquals("big", r.bestModel());
        assertEquals(0.9, r.bestQuality(), 1e-12);
        assertEquals(10, r.bestCost(), 1e-12);
        CostQualityReport.Row full = r.rows().get(3);
        // Oracle at 100%: cheap for prompts 0-5 and 9, big for 6-8: (7 * 1 + 3 * 10) / 10 = 3.7.
        assertEquals(3.7, full.oracleCost(), 1e-9);
        assertEquals(3.7, full.routerCost(), 1e-9);
        // Random at 100% of the best model's quality: only the best model itself reaches it.
        assertEquals(10, full.randomCost(), 1e-9);
        // Random at 80% (0.72): mix p of big: 0.6 + 0.3 p = 0.72 -> p = 0.4 -> cost 4.6.
        assertEquals(4.6, r.rows().get(0).randomCost(), 1e-9);
        assertTrue(r.toTable().contains("big"));
    }
}
