package io.mssd.tools.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.SafeTensors;
import io.mssd.core.io.onnx.OnnxModel;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.Workspace;
import io.mssd.ssd.model.MssdModelFormat;
import io.mssd.ssd.model.OnnxSsdImporter;
import io.mssd.ssd.model.SsdModel;
import io.mssd.tools.data.VocDataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Fuzz targets, one per reader: TFLite, Caffe caffemodel and prototxt, TF.js manifest + shard, COCO
 * ground truth and results, labelImg VOC XML, mssd's model.json and safetensors, ONNX. Whatever the
 * bytes, a reader either returns or throws its documented error (ModelFormatException,
 * CocoFormatException or IllegalArgumentException, naming the file): no other exception, no
 * allocation beyond what the input can hold. In the normal test run each target replays its seed
 * inputs and every finding kept there (src/test/resources/io/mssd/tools/fuzz/ReaderFuzzTestInputs/TARGET);
 * `mvn -Pfuzz test -pl tools -am -Dfuzz.target=ReaderFuzzTest#onnx -Dfuzz.seconds=600` fuzzes one target.
 */
class ReaderFuzzTest {

    /** The embedded COCO model: the TFLite target edits its structure (the first KiB and the tables after the weights). */
    private static final byte[] TFLITE = embeddedTflite();

    private static byte[] embeddedTflite() {
        try (java.io.InputStream in = ReaderFuzzTest.class.getResourceAsStream("/io/mssd/ssd/models/coco-ssd-mobilenetv1/detect.tflite")) {
            return in.readAllBytes();
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the embedded detect.tflite is not on the test class path", e);
        }
    }

    /**
     * TFLite: a real model with fuzzer-chosen edits (bytes and 32-bit words, mostly in the flatbuffer
     * tables rather than the 4 MB of weights) and truncation, then read and imported as a detector.
     */
    @FuzzTest(maxDuration = "30s")
    void tflite(com.code_intelligence.jazzer.api.FuzzedDataProvider data) {
        byte[] b = TFLITE.clone();
        int tail = 40_000; // the tables follow the last weight buffer
        int edits = data.consumeInt(0, 12);
        for (int e = 0; e < edits; e++) {
            int region = data.consumeInt(0, 7);
            int at = region < 3 ? data.consumeInt(0, 1023) : region < 7 ? b.length - 1 - data.consumeInt(0, tail) : data.consumeInt(0, b.length - 1);
            if (data.consumeBoolean()) b[at] = data.consumeByte();
            else if (at + 4 <= b.length) java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(at, data.consumeInt());
        }
        if (data.consumeBoolean()) b = java.util.Arrays.copyOf(b, data.consumeInt(0, b.length));
        try {
            io.mssd.core.io.tflite.TfliteModel m = io.mssd.core.io.tflite.TfliteModel.parse(b, "fuzz.tflite");
            io.mssd.ssd.model.TfliteSsdImporter.load("fuzz.tflite", m, null);
        } catch (ModelFormatException | IllegalArgumentException expected) {
            // a named error
        }
    }

    /** Caffe binary: a caffemodel for a small network of the layers the SSD uses, read against its prototxt. */
    @FuzzTest(maxDuration = "30s")
    void caffemodel(byte[] data) {
        try {
            io.mssd.core.io.caffe.CaffeModel m = io.mssd.core.io.caffe.CaffeModel.parse(SMALL_PROTOTXT, "small.prototxt", data, "fuzz.caffemodel");
            for (io.mssd.core.io.caffe.CaffeModel.Layer l : m.layers()) m.blobs(l.name());
        } catch (ModelFormatException | IllegalArgumentException expected) {
            // a named error
        }
    }

    /** Caffe text: a prototxt parsed and checked as a network (no weights: the importer must say what is missing). */
    @FuzzTest(maxDuration = "30s")
    void prototxt(byte[] data) {
        String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        try {
            io.mssd.core.io.caffe.CaffeModel m = io.mssd.core.io.caffe.CaffeModel.parse(text, "fuzz.prototxt", new byte[0], "empty.caffemodel");
            io.mssd.ssd.model.CaffeSsdImporter.load("fuzz", m);
        } catch (ModelFormatException | IllegalArgumentException expected) {
            // a named error
        }
    }

    /** TF.js: the bytes before the first 0 are the weights manifest, the rest its one shard. */
    @FuzzTest(maxDuration = "30s")
    void tfjs(byte[] data) throws java.io.IOException {
        int z = 0;
        while (z < data.length && data[z] != 0) z++;
        byte[] manifest = java.util.Arrays.copyOf(data, z), shard = java.util.Arrays.copyOfRange(data, Math.min(data.length, z + 1), data.length);
        try {
            io.mssd.core.io.TfjsWeights.read("fuzz-manifest.json", new java.io.ByteArrayInputStream(manifest), path -> shard);
        } catch (ModelFormatException | IllegalArgumentException expected) {
            // a named error
        }
    }

    /** COCO ground truth (plain or gzip). */
    @FuzzTest(maxDuration = "30s")
    void cocoGroundTruth(byte[] data) throws Exception {
        readCocoFile(data, io.mssd.tools.coco.CocoJson::readDataset);
    }

    /** COCO results (plain or gzip). */
    @FuzzTest(maxDuration = "30s")
    void cocoResults(byte[] data) throws Exception {
        readCocoFile(data, io.mssd.tools.coco.CocoJson::readResults);
    }

    private interface CocoReader {
        Object read(Path file) throws java.io.IOException;
    }

    /** The COCO readers take a file: the bytes go through a temporary one. */
    private static void readCocoFile(byte[] data, CocoReader reader) throws Exception {
        Path f = Files.createTempFile("mssd-fuzz-coco", ".json");
        try {
            Files.write(f, data);
            reader.read(f);
        } catch (io.mssd.tools.coco.CocoFormatException | IllegalArgumentException expected) {
            // a named error
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** The network the caffemodel target's weights belong to (the layer types of the MobileNet-SSD deploy file). */
    static final String SMALL_PROTOTXT = """
            name: "small"
            input: "data"
            input_shape { dim: 1 dim: 3 dim: 16 dim: 16 }
            layer { name: "conv0" type: "Convolution" bottom: "data" top: "conv0"
              convolution_param { num_output: 4 bias_term: false pad: 1 kernel_size: 3 stride: 2 } }
            layer { name: "conv0/bn" type: "BatchNorm" bottom: "conv0" top: "conv0" }
            layer { name: "conv0/scale" type: "Scale" bottom: "conv0" top: "conv0" scale_param { bias_term: true } }
            layer { name: "conv0/relu" type: "ReLU" bottom: "conv0" top: "conv0" }
            layer { name: "conv1/dw" type: "Convolution" bottom: "conv0" top: "conv1/dw"
              convolution_param { num_output: 4 bias_term: false pad: 1 kernel_size: 3 group: 4 engine: CAFFE } }
            layer { name: "conv1" type: "Convolution" bottom: "conv1/dw" top: "conv1"
              convolution_param { num_output: 8 bias_term: true kernel_size: 1 } }
            """;

    @FuzzTest(maxDuration = "30s")
    void safetensors(byte[] data) {
        try {
            SafeTensors.read(data, "fuzz.safetensors", new LinkedHashMap<>());
        } catch (ModelFormatException expected) {
            // a named error is the documented outcome for bad bytes
        }
    }

    @FuzzTest(maxDuration = "30s")
    void vocXml(byte[] data) throws Exception {
        Path dir = Files.createTempDirectory("mssd-fuzz-voc");
        try {
            Files.createDirectories(dir.resolve("images"));
            Files.write(dir.resolve("images/a.jpg"), new byte[] {1});
            Path xml = dir.resolve("a.xml");
            Files.write(xml, data);
            VocDataset.parse(xml, dir.resolve("images"));
        } catch (IllegalArgumentException expected) {
            // a one-line error naming the file and field
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** ONNX: parse, compile to a network, make it a detector, and run one forward pass on small inputs. */
    @FuzzTest(maxDuration = "30s")
    void onnx(byte[] data) {
        try {
            SsdModel m = OnnxSsdImporter.load("fuzz.onnx", OnnxModel.parse(data, "fuzz.onnx"), List.of("bg", "a", "b"), "labels.txt");
            if (m.inputShape().size() <= 64 * 64 * 3) {
                Workspace ws = m.network().newWorkspace(m.inputShape(), ComputePool.single());
                ws.forward();
            }
        } catch (ModelFormatException | IllegalArgumentException expected) {
            // a named error
        }
    }

    @FuzzTest(maxDuration = "30s")
    void modelJson(byte[] data) throws Exception {
        Path dir = Files.createTempDirectory("mssd-fuzz-model");
        try {
            Files.write(dir.resolve("model.json"), data);
            SafeTensors.write(dir.resolve("weights.safetensors"), new LinkedHashMap<>(java.util.Map.of("w",
                    new SafeTensors.Entry(new int[] {1, 3, 1, 1}, new float[] {1, 2, 3}))), java.util.Map.of());
            MssdModelFormat.read(dir);
        } catch (ModelFormatException | IllegalArgumentException expected) {
            // named errors
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
