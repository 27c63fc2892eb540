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
 * Fuzz targets of the readers this project added for training and import: safetensors, labelImg VOC
 * XML, the model folder's model.json and ONNX. Whatever the bytes, a reader either returns or throws its documented
 * error (ModelFormatException / IllegalArgumentException naming the file): no other exception, no
 * allocation beyond the input's size. In the normal test run each target replays its seed inputs
 * (src/test/resources/io/mssd/tools/fuzz/ReaderFuzzTestInputs); `JAZZER_FUZZ=1 mvn test -pl tools
 * -Dtest=ReaderFuzzTest` fuzzes.
 */
class ReaderFuzzTest {

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
