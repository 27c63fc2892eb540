package io.mssd.ssd.model;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.onnx.OnnxModel;
import io.mssd.core.io.onnx.OnnxNetworkImporter;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.Normalization;
import io.mssd.ssd.preprocess.StretchResize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SSDs exported to ONNX by qfgaohao/pytorch-ssd and NVIDIA jetson-inference (MobileNetV1-SSD,
 * MobileNetV2-SSD-Lite, ...): the graph decodes itself, giving {@code scores} [1, N, K] (softmax,
 * class 0 the background) and {@code boxes} [1, N, 4] (corners, normalised). Everything else is
 * pytorch-ssd's Predictor: input resized to the graph's size with cv2.resize's INTER_LINEAR, RGB,
 * (x - 127) / 128; per class the boxes above the threshold, the 200 best, hard NMS at IoU 0.45.
 */
public final class OnnxSsdImporter {
    /** PredictionTransform's mean and std. */
    public static final Normalization PYTORCH_SSD = new Normalization(127f, 1f / 128f, false);
    /** Predictor's candidate_size and nms_iou_threshold. */
    public static final int CANDIDATES = 200;
    public static final float IOU = 0.45f, MIN_SCORE = 0.3f;

    private OnnxSsdImporter() {}

    /** The model at {@code file}; labels from {@code labels}, else labels.txt beside it (first line the background). */
    public static SsdModel load(Path file, Path labels) throws IOException {
        Path labelFile = labels != null ? labels : file.resolveSibling("labels.txt");
        if (!Files.isRegularFile(labelFile)) {
            throw new IllegalArgumentException(labelFile + ": no such label file (pytorch-ssd writes labels.txt beside the model,"
                    + " the background first; or give --labels FILE)");
        }
        List<String> names = new ArrayList<>();
        for (String l : Files.readAllLines(labelFile)) if (!l.isBlank()) names.add(l.strip());
        return load(file.getFileName().toString(), OnnxModel.read(file), names, labelFile.toString());
    }

    /** labels: every class of the graph's scores, the background first. */
    public static SsdModel load(String name, OnnxModel onnx, List<String> labels, String labelFile) {
        OnnxNetworkImporter.Result r = OnnxNetworkImporter.compile(onnx);
        OnnxNetworkImporter.Output scores = r.outputs().get("scores"), boxes = r.outputs().get("boxes");
        if (scores == null || boxes == null) { // other output names: tell them apart by their last dimension
            for (Map.Entry<String, OnnxNetworkImporter.Output> e : r.outputs().entrySet()) {
                int[] d = e.getValue().dims();
                if (d.length > 0 && d[d.length - 1] == 4 && boxes == null) boxes = e.getValue();
                else if (scores == null) scores = e.getValue();
            }
        }
        if (scores == null || boxes == null || r.outputs().size() != 2) {
            throw new ModelFormatException(onnx.file(), "graph.output", "expected two outputs, scores [1, N, classes] and boxes [1, N, 4]"
                    + " (a pytorch-ssd export with is_test=True), got " + r.outputs().keySet());
        }
        int[] sd = scores.dims(), bd = boxes.dims();
        if (bd.length < 2 || bd[bd.length - 1] != 4 || sd.length != bd.length || sd[sd.length - 2] != bd[bd.length - 2]) {
            throw new ModelFormatException(onnx.file(), "graph.output", "scores " + java.util.Arrays.toString(sd) + " and boxes "
                    + java.util.Arrays.toString(bd) + " are not [1, N, classes] and [1, N, 4]");
        }
        int n = bd[bd.length - 2], k = sd[sd.length - 1];
        if (labels.size() != k) {
            throw new IllegalArgumentException(labelFile + ": " + labels.size() + " labels but the model scores " + k
                    + " classes (the first line is the background, as pytorch-ssd writes labels.txt)");
        }
        if (k < 2) throw new ModelFormatException(onnx.file(), "scores", "scores " + k + " class, expected background and at least one more");
        DetectorOptions defaults = new DetectorOptions(MIN_SCORE, IOU, CANDIDATES * (k - 1));
        return SsdModel.decoded(name, r.network(), r.inputShape(), new SsdModel.DecodedOutputs(boxes.layer(), scores.layer(), n), k, 1,
                labels.subList(1, k), new StretchResize(PYTORCH_SSD), PostProcessor.Strategy.PER_CLASS, CANDIDATES, defaults);
    }
}
