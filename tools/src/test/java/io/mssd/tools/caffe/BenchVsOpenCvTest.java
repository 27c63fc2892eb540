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

/** `mssd bench --profile --vs-opencv`: OpenCV's own layer times beside mssd's, layer by layer. */
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
                    "--warmup", "1", "--profile", "--vs-opencv");
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
    }
}
