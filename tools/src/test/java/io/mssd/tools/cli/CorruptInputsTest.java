package io.mssd.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command on corrupt inputs: exit code 2, one error line naming the file, no output left that looks complete. */
class CorruptInputsTest {

    static byte[] resource(String name) throws Exception {
        try (InputStream in = CorruptInputsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    static void fails(String what, Path file, String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), what + ": " + r.err() + r.out());
        assertEquals(1, r.err().strip().lines().count(), what + ": one line: " + r.err());
        assertTrue(r.err().contains("error: ") && r.err().contains(file.getFileName().toString()), what + ": " + r.err());
        assertFalse(r.err().contains("Exception") && !r.err().contains("ModelFormat"), what + ": a stack trace or exception name: " + r.err());
    }

    @Test
    void imagesJsonAndAnnotations(@TempDir Path dir) throws Exception {
        byte[] png = resource("/caffe/messi5.png");
        Path noise = dir.resolve("noise.png"), half = dir.resolve("half.png"), empty = dir.resolve("empty.png");
        byte[] rnd = new byte[4000];
        new java.util.Random(2).nextBytes(rnd);
        Files.write(noise, rnd);
        Files.write(half, java.util.Arrays.copyOf(png, png.length / 2));
        Files.write(empty, new byte[0]);
        for (Path p : List.of(noise, empty)) fails("detect " + p.getFileName(), p, "detect", "--image", p.toString(), "--json");
        // a PNG cut in half: decoders fill the missing rows; mssd refuses rather than detect on half an image
        fails("detect half.png", half, "detect", "--image", half.toString(), "--json");

        String gt = new String(resource("/coco-eval/small_gt.json"));
        String dt = new String(resource("/coco-eval/small_dt.json"));
        Path gtOk = dir.resolve("gt.json"), dtOk = dir.resolve("dt.json");
        Files.writeString(gtOk, gt);
        Files.writeString(dtOk, dt);
        List<Path> badGt = new ArrayList<>(), badDt = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Path g = dir.resolve("gt" + i + ".json"), d = dir.resolve("dt" + i + ".json");
            Files.writeString(g, gt.substring(0, gt.length() * (i + 1) / 11));
            Files.writeString(d, i % 2 == 0 ? dt.substring(0, dt.length() * (i + 1) / 11) : dt.replaceFirst("\"score\"", "\"score\":{"));
            badGt.add(g);
            badDt.add(d);
        }
        Path deep = dir.resolve("deep.json");
        Files.writeString(deep, "[".repeat(100_000));
        badGt.add(deep);
        badDt.add(deep);
        for (Path g : badGt) fails("score --gt " + g.getFileName(), g, "score", "--gt", g.toString(), "--dt", dtOk.toString());
        for (Path d : badDt) fails("score --dt " + d.getFileName(), d, "score", "--gt", gtOk.toString(), "--dt", d.toString());

        // eval: the ground truth is read before any image; its results file is not left behind
        Path images = Files.createDirectories(dir.resolve("images")), out = dir.resolve("results.json");
        fails("eval --ann", badGt.get(3), "eval", "--images", images.toString(), "--ann", badGt.get(3).toString(), "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void trainingData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("voc");
        Files.createDirectories(data.resolve("annotations"));
        Files.createDirectories(data.resolve("images"));
        Files.write(data.resolve("images/a.jpg"), resource("/train-grad/000000005001.jpg"));
        Path xml = data.resolve("annotations/a.xml");
        Files.writeString(xml, "<annotation><filename>a.jpg</filename><object><name>cat</name><bndbox><xmin>1</xmin>");
        Path out = dir.resolve("model");
        fails("train truncated xml", xml, "train", "--data", data.toString(), "--out", out.toString(), "--classes", "cat", "--epochs", "1");
        Files.writeString(xml, "<annotation><filename>a.jpg</filename><size><width>640</width><height>480</height><depth>3</depth></size>"
                + "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>2</ymin>"
                + "<xmax>50</xmax><ymax>40</ymax></bndbox></object></annotation>");
        Files.write(data.resolve("images/a.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        fails("train corrupt jpg", data.resolve("images/a.jpg"), "train", "--data", data.toString(), "--out", out.toString(), "--classes", "cat",
                "--epochs", "1");
        assertFalse(Files.exists(out.resolve("model.json")), "no model presented as trained");
    }
}
