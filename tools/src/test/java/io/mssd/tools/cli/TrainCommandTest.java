package io.mssd.tools.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.core.io.SafeTensors;
import io.mssd.core.train.Parameter;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.Detector;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.MssdModelFormat;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.train.SsdTrainingNetwork;
import io.mssd.tools.SharedData;
import io.mssd.tools.image.MatImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `mssd export` and `mssd train` end to end: the exported format, one exact SGD step, bad data and bad model folders. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    static Path fixture() throws Exception {
        return Path.of(TrainCommandTest.class.getResource("/train-grad/instances_2images.json").toURI()).getParent();
    }

    static void requireModel() {
        Path m = SharedData.cocoTflite();
        if (!Files.exists(m)) System.err.println("SKIPPED export/train test: model not found at " + m.toAbsolutePath());
        Assumptions.assumeTrue(Files.exists(m), "TFLite model not found at " + m.toAbsolutePath());
    }

    @Test
    void exportedTfliteModelComputesWhatTheFloatModelComputes() throws Exception {
        requireModel();
        Path dir = tmp.resolve("coco-float");
        CliTest.Run r = CliTest.run("export", "--model", "tflite:" + SharedData.cocoTflite(), "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("model.json"))).getAsJsonObject();
        assertEquals("FeatureExtractor/MobilenetV1/MobilenetV1/Conv2d_0/weights_quant/FakeQuantWithMinMaxVars",
                json.getAsJsonArray("layers").get(0).getAsJsonObject().get("weights").getAsString(), "tensors keep their TFLite names");
        assertTrue(json.getAsJsonObject("provenance").get("source_sha256").getAsString().length() == 64);
        RgbImage img = MatImages.read(fixture().resolve("000000005001.jpg"));
        try (Detector a = new Detector(ModelZoo.loadFloat("tflite:" + SharedData.cocoTflite(), null), 1);
             Detector b = Detector.load(dir.toString(), 1)) {
            RawDetections ra = a.infer(img), rb = b.infer(img);
            assertArrayEquals(ra.boxes(), rb.boxes(), "same weights, same kernels: identical boxes");
            assertArrayEquals(ra.scores(), rb.scores());
            assertEquals(a.detect(img), b.detect(img));
        }
        r = CliTest.run("detect", "--image", fixture().resolve("000000010764.jpg").toString(), "--model", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"label\":\"person\""), r.out());
    }

    @Test
    void exportedFaceModelEqualsTheEmbeddedOne() throws Exception {
        Path dir = tmp.resolve("face");
        assertEquals(0, CliTest.run("export", "--model", "face-ssd-mobilenetv1", "--out", dir.toString()).code());
        RgbImage img = MatImages.read(fixture().resolve("000000010764.jpg"));
        try (Detector a = Detector.load("face-ssd-mobilenetv1", 1); Detector b = Detector.load(dir.toString(), 1)) {
            assertArrayEquals(a.infer(img).scores(), b.infer(img).scores());
        }
    }

    /**
     * export, then one plain SGD step (lr 1, no momentum, no decay, no warm-up, no augmentation, file
     * order): every weight moves by exactly minus its gradient (the gradient computed here with the
     * same batch), and that gradient is the float64 reference's within the bounds.
     */
    @Test
    void oneSgdStepMovesEveryWeightByMinusItsGradient() throws Exception {
        requireModel();
        Path dir = tmp.resolve("init"), out = tmp.resolve("stepped");
        assertEquals(0, CliTest.run("export", "--model", "tflite:" + SharedData.cocoTflite(), "--out", dir.toString()).code());
        CliTest.Run r = CliTest.run("train", "--init", dir.toString(), "--data",
                "coco:" + fixture().resolve("instances_2images.json") + "," + fixture(), "--out", out.toString(), "--steps", "1",
                "--batch", "2", "--optimizer", "sgd", "--lr", "1", "--momentum", "0", "--weight-decay", "0", "--warmup-steps", "0",
                "--schedule", "constant", "--no-augment", "--no-shuffle", "--keep-head", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, SafeTensors.Entry> before = SafeTensors.read(dir.resolve("weights.safetensors"));
        Map<String, SafeTensors.Entry> after = SafeTensors.read(out.resolve("weights.safetensors"));
        // the gradient, computed here on the same batch
        SsdModel m = MssdModelFormat.read(dir);
        SsdTrainingNetwork net = new SsdTrainingNetwork(m);
        io.mssd.tools.train.TrainGradientReferenceTest.computeGradients(net, io.mssd.tools.train.TrainGradientReferenceTest.batch(m));
        JsonObject ref = JsonParser.parseString(Files.readString(fixture().resolve("reference_grad.json"))).getAsJsonObject()
                .getAsJsonObject("params");
        int within1e3 = 0;
        for (Parameter p : net.parameters()) {
            float[] w0 = before.get(p.name()).values(), w1 = after.get(p.name()).values();
            double dn = 0;
            for (int i = 0; i < w0.length; i++) {
                assertEquals(w0[i] - p.grad()[i], w1[i], 0f, p.name() + " [" + i + "]");
                dn += (double) (w0[i] - w1[i]) * (w0[i] - w1[i]);
            }
            double want = ref.getAsJsonObject(p.name()).get("l2").getAsDouble();
            double rel = want == 0 ? Math.sqrt(dn) : Math.abs(Math.sqrt(dn) - want) / want; // BoxPredictor_4/5: no positives
            assertTrue(rel <= 1e-2, p.name() + ": step norm " + Math.sqrt(dn) + " vs reference gradient norm " + want);
            if (rel <= 1e-3) within1e3++;
        }
        assertTrue(within1e3 >= 0.9 * net.parameters().size(), within1e3 + " of " + net.parameters().size());
        assertTrue(Files.isRegularFile(out.resolve("checkpoint").resolve("optimizer.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("curves.png")));
    }

    /** A run stopped after its first epoch and resumed from the checkpoint ends with the very weights of an uninterrupted run. */
    @Test
    void resumeContinuesExactly() throws Exception {
        requireModel();
        String data = "coco:" + fixture().resolve("instances_2images.json") + "," + fixture();
        String[] common = {"train", "--init", "tflite:" + SharedData.cocoTflite(), "--data", data,
                "--epochs", "2", "--batch", "1", "--threads", "2", "--seed", "3", "--warmup-steps", "1", "--zoom-out", "2"};
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, CliTest.run("export", "--model", "tflite:" + SharedData.cocoTflite(), "--out", tmp.resolve("source").toString()).code());
        assertEquals(0, CliTest.run(concat(common, "--out", whole.toString())).code());
        assertEquals(0, CliTest.run(concat(common, "--out", parts.toString(), "--stop-after", "1")).code());
        assertEquals(0, CliTest.run(concat(common, "--out", parts.toString(), "--resume", parts.toString())).code());
        Map<String, SafeTensors.Entry> a = SafeTensors.read(whole.resolve("weights.safetensors"));
        Map<String, SafeTensors.Entry> b = SafeTensors.read(parts.resolve("weights.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).values(), b.get(k).values(), k);
        // epoch 1 trained the new heads alone, epoch 2 every layer (--freeze auto): the backbone moved
        Map<String, SafeTensors.Entry> source = SafeTensors.read(tmp.resolve("source").resolve("weights.safetensors"));
        String conv0 = "FeatureExtractor/MobilenetV1/MobilenetV1/Conv2d_0/weights_quant/FakeQuantWithMinMaxVars";
        assertTrue(!java.util.Arrays.equals(source.get(conv0).values(), a.get(conv0).values()), "the backbone was trained");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The embedded face model (TF.js, 512x512, depthwise BatchNorm folded at load) trains too, from a VOC folder. */
    @Test
    void theEmbeddedFaceModelTrainsOnAVocFolder() throws Exception {
        Path d = tmp.resolve("faces");
        Files.createDirectories(d.resolve("images"));
        Files.createDirectories(d.resolve("annotations"));
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 1; i <= 2; i++) {
            BufferedImage im = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 80; y++) for (int x = 0; x < 96; x++) im.setRGB(x, y, rnd.nextInt(1 << 24));
            ImageIO.write(im, "png", d.resolve("images/img-" + i + ".png").toFile());
            Files.writeString(d.resolve("annotations/img-" + i + ".xml"), xml("face", BOX).replace("a.png", "img-" + i + ".png")
                    .replace("<width>64</width><height>48</height>", "<width>96</width><height>80</height>"));
        }
        Path out = tmp.resolve("face-tuned");
        CliTest.Run r = CliTest.run("train", "--init", "face-ssd-mobilenetv1", "--data", d.toString(), "--keep-head", "--out",
                out.toString(), "--steps", "1", "--batch", "2", "--no-augment", "--lr", "0.01");
        assertEquals(0, r.code(), r.err());
        Path src = tmp.resolve("face-src");
        assertEquals(0, CliTest.run("export", "--model", "face-ssd-mobilenetv1", "--out", src.toString()).code());
        Map<String, SafeTensors.Entry> a = SafeTensors.read(src.resolve("weights.safetensors")), b = SafeTensors.read(out.resolve("weights.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        int changed = 0;
        for (String k : a.keySet()) if (!java.util.Arrays.equals(a.get(k).values(), b.get(k).values())) changed++;
        // all but the biases of box predictors that no anchor of these boxes reaches (zero gradient, no decay on biases)
        assertTrue(changed >= 0.9 * a.size(), changed + " of " + a.size() + " tensors moved");
        assertEquals(0, CliTest.run("detect", "--model", out.toString(), "--image", d.resolve("images/img-1.png").toString()).code());
    }

    // ---- bad input: one line naming the file and field, exit code 2

    Path voc(String xml, boolean withImage) throws Exception {
        Path d = tmp.resolve("voc" + System.nanoTime());
        Files.createDirectories(d.resolve("images"));
        Files.createDirectories(d.resolve("annotations"));
        if (withImage) ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "png", d.resolve("images/a.png").toFile());
        Files.writeString(d.resolve("annotations/a.xml"), xml);
        return d;
    }

    static String xml(String name, String box) {
        return "<annotation><filename>a.png</filename><size><width>64</width><height>48</height><depth>3</depth></size>"
                + "<object><name>" + name + "</name><bndbox>" + box + "</bndbox></object></annotation>";
    }

    static final String BOX = "<xmin>4</xmin><ymin>5</ymin><xmax>40</xmax><ymax>30</ymax>";

    void assertBadData(Path data, String... expected) {
        CliTest.Run r = CliTest.run("train", "--init", "face-ssd-mobilenetv1", "--data", data.toString(), "--out",
                tmp.resolve("never").toString(), "--keep-head", "--steps", "1");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String e : expected) assertTrue(r.err().contains(e), r.err());
    }

    @Test
    void badVocDataIsOneLineNamingTheFileAndField() throws Exception {
        assertBadData(voc("<annotation><filename>a.png</filename", true), "a.xml", "malformed XML");
        assertBadData(voc(xml("face", BOX), false), "a.xml", "<filename>", "does not exist");
        assertBadData(voc(xml("face", "<xmin>40</xmin><ymin>5</ymin><xmax>40</xmax><ymax>30</ymax>"), true), "a.xml",
                "object[0]/bndbox", "no area");
        assertBadData(voc(xml("face", "<xmin>70</xmin><ymin>5</ymin><xmax>90</xmax><ymax>30</ymax>"), true), "a.xml", "outside");
        assertBadData(voc(xml("face", "<xmin>x</xmin><ymin>5</ymin><xmax>40</xmax><ymax>30</ymax>"), true), "bndbox/xmin", "not a number");
        assertBadData(voc(xml("raccoon", BOX), true), "a.xml", "class 'raccoon'", "face");
        assertBadData(voc("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><annotation>&x;</annotation>", true), "a.xml");
        assertBadData(tmp.resolve("no-such-folder"), "not a VOC dataset folder");
    }

    @Test
    void badCocoDataIsOneLine() throws Exception {
        Path ann = tmp.resolve("bad.json");
        Files.writeString(ann, "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\", \"width\": 10, \"height\": 10}], \"annotations\": [");
        CliTest.Run r = CliTest.run("train", "--init", "face-ssd-mobilenetv1", "--data", "coco:" + ann + "," + tmp, "--out",
                tmp.resolve("never").toString(), "--keep-head");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.json"), r.err());
    }

    @Test
    void badModelFoldersNameTheFileAndTensor() throws Exception {
        Path dir = tmp.resolve("face");
        assertEquals(0, CliTest.run("export", "--model", "face-ssd-mobilenetv1", "--out", dir.toString()).code());
        Path img = tmp.resolve("i.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        byte[] weights = Files.readAllBytes(dir.resolve("weights.safetensors"));
        Files.write(dir.resolve("weights.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        CliTest.Run r = CliTest.run("detect", "--image", img.toString(), "--model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("weights.safetensors") && r.err().contains("truncated"), r.err());
        Files.write(dir.resolve("weights.safetensors"), weights);
        String json = Files.readString(dir.resolve("model.json"));
        Files.writeString(dir.resolve("model.json"), json.replaceFirst("\"cout\": 32", "\"cout\": 33"));
        r = CliTest.run("detect", "--image", img.toString(), "--model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("weights.safetensors") && r.err().contains("shape"), r.err());
        Files.writeString(dir.resolve("model.json"), json.substring(0, json.length() / 2));
        r = CliTest.run("detect", "--image", img.toString(), "--model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("model.json") && r.err().contains("malformed JSON"), r.err());
    }
}
