package io.mssd.tools.caffe;

import io.mssd.tools.cli.MssdCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `mssd bench --profile --vs-opencv --fp32-floor`: OpenCV's own layer times beside mssd's, layer by layer, and both
 * engines' times as multiples of the model's fp32 arithmetic floor.
 */
class BenchVsOpenCvTest {

    @Test
    void profileSetsOpenCvsTimeOfEachLayerBesideOurs(@TempDir Path dir) throws Exception {
        String proto = RandomCaffeModel.halfWidth(CaffeVsOpenCvTest.prototxt()); // half width: a quicker run, the same layers
        Path p = dir.resolve("deploy.prototxt"), w = dir.resolve("random.caffemodel");
        Files.writeString(p, proto);
        Files.write(w, RandomCaffeModel.write(proto, 3));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(out, true));
        try {
            code = MssdCommand.commandLine().execute("bench", "--model", "caffe:" + p + "," + w, "--threads", "1", "--runs", "3",
                    "--warmup", "1", "--profile", "--vs-opencv", "--fp32-floor");
        } finally {
            System.setOut(old);
        }
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("layer ") && l.endsWith("opencv ms")), text);
        // every convolution row: our time, share, GFLOP/s, then OpenCV's time (batch norm, scale and ReLU are fused into it)
        int rows = 0;
        Pattern row = Pattern.compile("^(conv\\S*)\\s.*\\s(\\d+\\.\\d{3})\\s+\\d+\\.\\d%\\s+\\d+\\.\\d\\s+(\\d+\\.\\d{3})$");
        for (String line : text.lines().toList()) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                rows++;
                assertTrue(Double.parseDouble(m.group(2)) > 0 && Double.parseDouble(m.group(3)) > 0, line);
            }
        }
        assertEquals(47, rows, text);
        Matcher summary = Pattern.compile("opencv, layer by layer: the (\\d+) layers both name take (\\d+\\.\\d+) ms in mssd and "
                + "(\\d+\\.\\d+) ms in opencv").matcher(text);
        assertTrue(summary.find(), text);
        assertEquals("47", summary.group(1));
        assertTrue(text.contains("ratio mssd/opencv: "), text);

        // the floor: the model's mult-adds (as the profile's summary line counts them) at a rate no engine beats, so
        // both engines take longer than it (a floor counted with one flop per FMA, or timed interpreted, would not)
        Matcher overall = Pattern.compile("; (\\d+\\.\\d+) G mult-adds -> ").matcher(text);
        assertTrue(overall.find(), text);
        Matcher floor = Pattern.compile("fp32 floor: the model's (\\d+\\.\\d+) G mult-adds .*: (\\d+\\.\\d+) ms \\((\\d+\\.\\d) GFLOP/s\\)")
                .matcher(text);
        assertTrue(floor.find(), text);
        assertEquals(Double.parseDouble(overall.group(1)), Double.parseDouble(floor.group(1)), 0.01, text);
        double gflops = Double.parseDouble(floor.group(3));
        assertEquals(2 * Double.parseDouble(floor.group(1)) / Double.parseDouble(floor.group(2)) * 1e3, gflops, 0.05 * gflops, text);
        Matcher ours = Pattern.compile("mssd network pass: (\\d+\\.\\d+) ms, (\\d+\\.\\d+)x the floor").matcher(text);
        Matcher theirs = Pattern.compile("opencv dnn frame \\(blobFromImage \\+ forward\\): (\\d+\\.\\d+) ms, (\\d+\\.\\d+)x the floor;"
                + " no fp32 engine doing these multiplications goes below (\\d+\\.\\d+)x opencv here").matcher(text);
        assertTrue(ours.find() && theirs.find(), text);
        assertTrue(Double.parseDouble(ours.group(2)) > 1 && Double.parseDouble(theirs.group(2)) > 1, text);
        assertEquals(1 / Double.parseDouble(theirs.group(2)), Double.parseDouble(theirs.group(3)), 0.006, text);
    }
}
