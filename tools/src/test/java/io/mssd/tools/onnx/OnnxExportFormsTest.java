package io.mssd.tools.onnx;

import io.mssd.core.io.onnx.OnnxModel;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.Workspace;
import io.mssd.ssd.model.DecodedSsdUnwrapper;
import io.mssd.ssd.model.OnnxSsdImporter;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.preprocess.FrameMapping;
import io.mssd.tools.Npy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An SSD-Lite of pytorch-ssd's shape exported by PyTorch's own exporter at opsets 11, 13, 15 and 17
 * (and with a symbolic batch), against PyTorch's outputs (resources/onnx-forms, made by its
 * make_exports.py): the newer operator forms and the shape arithmetic of view(x.size(0), -1, k) load,
 * compute PyTorch's scores and boxes, and unwrap for training to the same numbers.
 */
class OnnxExportFormsTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-ssdlite-opset11", "tiny-ssdlite-opset13", "tiny-ssdlite-opset15", "tiny-ssdlite-opset17",
        "tiny-ssdlite-opset17-dynamic"})
    void everyOpsetComputesWhatPyTorchComputes(String name) throws Exception {
        Path dir = Path.of(OnnxExportFormsTest.class.getResource("/onnx-forms/input.npy").toURI()).getParent();
        SsdModel m = OnnxSsdImporter.load(name, OnnxModel.read(dir.resolve(name + ".onnx")), List.of("bg", "a", "b", "c", "d"), "labels");
        Npy in = Npy.read(dir.resolve("input.npy")), scores = Npy.read(dir.resolve("scores.npy")), boxes = Npy.read(dir.resolve("boxes.npy"));
        for (SsdModel model : new SsdModel[] {m, DecodedSsdUnwrapper.unwrap(m)}) {
            Workspace ws = model.network().newWorkspace(model.inputShape(), ComputePool.single(), model.outputLayers());
            System.arraycopy(in.data(), 0, ws.input().data(), 0, in.data().length);
            ws.forward();
            var raw = model.decode(ws, new FrameMapping(1, 1, 1, 1));
            // decode drops the background column: compare classes 1..4 and the boxes
            double ds = 0, db = 0;
            for (int i = 0; i < 960; i++) {
                for (int c = 1; c < 5; c++) ds = Math.max(ds, Math.abs(scores.data()[i * 5 + c] - raw.scores()[i * 4 + c - 1]));
            }
            for (int i = 0; i < boxes.data().length; i++) db = Math.max(db, Math.abs(boxes.data()[i] - raw.boxes()[i]));
            String what = name + (model == m ? "" : " unwrapped");
            System.out.printf("%s: max |mssd - pytorch| scores %.2e boxes %.2e%n", what, ds, db);
            assertTrue(ds < 1e-4 && db < 1e-4, what + ": scores differ by " + ds + ", boxes by " + db);
        }
    }
}
