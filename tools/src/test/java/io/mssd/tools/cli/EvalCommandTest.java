package io.mssd.tools.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalCommandTest {

    @Test
    void evalRunsDetectorWritesResultsScoresAndPlots(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("img"));
        try (var in = EvalCommandTest.class.getResourceAsStream("/Megamind_f120.png")) {
            Files.copy(in, images.resolve("f120.png"));
        }
        // ground truth: the face TensorFlow.js finds on this frame (fixtures/faceapi-ssd), as a COCO box
        double x1 = 395.6495, y1 = 162.5019, x2 = 542.4865, y2 = 355.5368;
        Path gt = dir.resolve("gt.json");
        Files.writeString(gt, "{\"images\":[{\"id\":42,\"width\":720,\"height\":528,\"file_name\":\"f120.png\"}],"
                + "\"annotations\":[{\"id\":1,\"image_id\":42,\"category_id\":7,\"bbox\":[" + x1 + "," + y1 + "," + (x2 - x1) + ","
                + (y2 - y1) + "],\"area\":" + (x2 - x1) * (y2 - y1) + ",\"iscrowd\":0}],\"categories\":[{\"id\":7,\"name\":\"Face\"}]}");
        Path out = dir.resolve("results.json"), plot = dir.resolve("pr.png");
        CliTest.Run r = CliTest.run("eval", "--images", images.toString(), "--ann", gt.toString(), "--out", out.toString(),
                "--plot", plot.toString(), "--threads", "2", "--model", "face-ssd-mobilenetv1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000"), r.out());
        assertTrue(Files.size(plot) > 5000, "plot written");
        String results = Files.readString(out);
        assertTrue(results.startsWith("[{\"image_id\":42,\"category_id\":7,\"bbox\":["), results);
        // scoring the written file gives the same numbers
        CliTest.Run s = CliTest.run("score", "--gt", gt.toString(), "--dt", out.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(r.out().contains(s.out()), "eval and score agree:\n" + r.out() + "\n" + s.out());
    }

    @Test
    void unmappedLabelsAndMissingImagesAreErrors(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gt.json");
        Files.writeString(gt, "{\"images\":[{\"id\":1,\"width\":10,\"height\":10,\"file_name\":\"nope.png\"}],"
                + "\"annotations\":[],\"categories\":[{\"id\":1,\"name\":\"person\"}]}");
        CliTest.Run r = CliTest.run("eval", "--images", dir.toString(), "--ann", gt.toString(), "--out", dir.resolve("r.json").toString(),
                "--model", "face-ssd-mobilenetv1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("face") && r.err().contains("map to no category"), r.err());
        r = CliTest.run("eval", "--images", dir.toString(), "--ann", gt.toString(), "--out", dir.resolve("r.json").toString(),
                "--allow-unmapped", "--model", "face-ssd-mobilenetv1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.png") && r.err().contains("missing"), r.err());
    }
}
