package io.mssd.tools.cli;

import io.mssd.core.io.onnx.OnnxModel;
import io.mssd.core.io.onnx.OnnxNode;
import io.mssd.tools.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** onnx: models through the commands: detection, summary, and broken files ending in one line and exit code 2. */
class OnnxCommandsTest {

    static byte[] tinySsd() throws Exception {
        try (InputStream in = OnnxCommandsTest.class.getResourceAsStream("/io/mssd/tools/fuzz/ReaderFuzzTestInputs/onnx/tiny-ssd.onnx")) {
            return in.readAllBytes();
        }
    }

    static Path image(Path dir) throws Exception {
        Path img = dir.resolve("img.png");
        java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) b.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 90);
        javax.imageio.ImageIO.write(b, "png", img.toFile());
        return img;
    }

    @Test
    void detectRunsAnExportWithItsLabels(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny.onnx");
        Files.write(model, tinySsd());
        Files.writeString(dir.resolve("labels.txt"), "BACKGROUND\ncat\ndog\n");
        CliTest.Run r = CliTest.run("detect", "--model", "onnx:" + model, "--image", image(dir).toString(), "--json", "--min-score", "0.01");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"label\":\"cat\"") || r.out().contains("\"label\":\"dog\""), r.out());
        assertTrue(!r.out().contains("BACKGROUND"), "the background is not a label: " + r.out());
        // exported to mssd's format (predictors, priors and variances recovered from the graph), it detects the same
        CliTest.Run e = CliTest.run("export", "--model", "onnx:" + model, "--out", dir.resolve("exported").toString());
        assertEquals(0, e.code(), e.err());
        CliTest.Run again = CliTest.run("detect", "--model", dir.resolve("exported").toString(), "--image", image(dir).toString(), "--json",
                "--min-score", "0.01");
        assertEquals(0, again.code(), again.err());
        assertEquals(r.out().replace(dir.resolve("img.png").toString(), ""), again.out().replace(dir.resolve("img.png").toString(), ""));
        r = CliTest.run("summary", "--model", "onnx:" + model);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("params: 378 ") && r.out().contains("2 labels"), r.out()); // (6 + 8) x 3 x 3 x 3 weights
    }

    @Test
    void brokenExportsEndInOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        byte[] ok = tinySsd();
        Path img = image(dir);
        Files.writeString(dir.resolve("labels.txt"), "BACKGROUND\ncat\ndog\n");
        List<byte[]> bad = new java.util.ArrayList<>(List.of(new byte[0], "not a model".getBytes(),
                java.util.Arrays.copyOf(ok, ok.length / 3), java.util.Arrays.copyOf(ok, ok.length - 7)));
        java.util.Random rnd = new java.util.Random(3);
        while (bad.size() < 30) {
            byte[] b = ok.clone();
            for (int k = 0; k < 3; k++) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            bad.add(b);
        }
        int i = 0, failed = 0;
        for (byte[] b : bad) {
            Path f = dir.resolve("bad" + i++ + ".onnx");
            Files.write(f, b);
            CliTest.Run r = CliTest.run("detect", "--model", "onnx:" + f, "--image", img.toString());
            if (r.code() == 0) continue; // a mutation that kept the file valid
            failed++;
            assertEquals(2, r.code(), f + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains("error") && r.err().contains(f.toString()), r.err());
        }
        assertTrue(failed >= 4, failed + " broken files");
        // labels that do not fit the model, or are missing
        Files.writeString(dir.resolve("labels.txt"), "BACKGROUND\ncat\n");
        Path model = dir.resolve("tiny.onnx");
        Files.write(model, ok);
        CliTest.Run r = CliTest.run("detect", "--model", "onnx:" + model, "--image", img.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("2 labels but the model scores 3 classes"), r.err());
        Files.delete(dir.resolve("labels.txt"));
        r = CliTest.run("detect", "--model", "onnx:" + model, "--image", img.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("labels.txt: no such label file"), r.err());

    }

    @Test
    void summaryCountsEveryConvolutionOfTheExports() throws Exception {
        for (String net : new String[] {"mb1-ssd", "mb2-ssd-lite"}) {
            Path file = SharedData.shared().resolve("fixtures/onnx-pytorch-ssd").resolve(net).resolve(net + ".onnx");
            if (!Files.exists(file)) System.err.println("SKIPPED ONNX summary test: " + file + " not found");
            Assumptions.assumeTrue(Files.exists(file));
            OnnxModel m = OnnxModel.read(file);
            long weights = 0, convs = 0;
            for (OnnxNode n : m.nodes()) {
                if (n.opType().equals("Conv")) {
                    weights += m.initializers().get(n.inputs().get(1)).size();
                    convs++;
                }
            }
            CliTest.Run r = CliTest.run("summary", "--model", "onnx:" + file, "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("\"params\": " + weights + ","), net + ": " + weights + " conv weights in the file; " + r.out().lines().limit(8).toList());
            assertEquals(convs, r.out().lines().filter(l -> l.contains("\"type\": \"conv") || l.contains("\"type\": \"dw")).count(), net);
        }
    }
}
