package io.mssd.tools.coco;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The 12 stats against pycocotools on ../shared/fixtures/coco-eval (small copied into the tests; large read from shared). */
class CocoEvaluatorReferenceTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(CocoEvaluatorReferenceTest.class.getResource("/coco-eval/" + name).toURI());
    }

    static void assertStats(Path gt, Path dt, Path stats) throws IOException {
        JsonObject ref = JsonParser.parseString(Files.readString(stats)).getAsJsonObject().getAsJsonObject("stats");
        for (int threads : new int[] {1, 2}) {
            double[] s = new CocoEvaluator(CocoJson.readDataset(gt), CocoJson.readResults(dt), new CocoEvalParams(), threads,
                    dt.toString(), false).run().stats();
            for (int i = 0; i < 12; i++) {
                String name = CocoEvalResult.STAT_NAMES[i];
                assertEquals(ref.get(name).getAsDouble(), s[i], 1e-12, name + " (threads " + threads + ")");
            }
        }
    }

    @Test
    void smallNastyCaseEqualsPycocotools() throws Exception {
        assertStats(resource("small_gt.json"), resource("small_dt.json"), resource("small_stats.json"));
    }

    @Test
    void large5000ImageCaseEqualsPycocotools() throws Exception {
        Path dir = Path.of(System.getProperty("mssd.shared", "../../shared"), "fixtures", "coco-eval");
        Path gt = dir.resolve("large_gt.json.gz"), dt = dir.resolve("large_dt.json.gz");
        if (!Files.exists(gt)) {
            System.err.println("SKIPPED large COCO case: " + gt.toAbsolutePath() + " not found (needs ../shared beside the repository)");
        }
        Assumptions.assumeTrue(Files.exists(gt), "large COCO fixture not found at " + gt.toAbsolutePath());
        assertStats(gt, dt, resource("large_stats.json"));
    }
}
