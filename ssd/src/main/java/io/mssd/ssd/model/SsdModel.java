package io.mssd.ssd.model;

import io.mssd.core.nn.Network;
import io.mssd.core.nn.Workspace;
import io.mssd.core.tensor.Shape;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.BoxCoder;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.MultiboxOutputs;
import io.mssd.ssd.head.OutputQuantization;
import io.mssd.ssd.head.ScoreFunction;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.FrameMapping;
import io.mssd.ssd.preprocess.Preprocessor;

import java.util.List;

/**
 * Everything that makes a network an SSD detector: the network (backbone, extra layers, predictor
 * convolutions), which layers are the predictors, anchors, box coder, score function, labels,
 * preprocessing, post-processing (strategy, Caffe's per-class top_k before NMS; 0 = none), default
 * thresholds, for quantised models the 8-bit grids of the head tensors (else null), and the source
 * file's name of each weight (key "layer/weights" or "layer/bias"). Importers build it.
 * <p>A network that decodes inside its own graph (an ONNX export of pytorch-ssd) has
 * {@code decodedOutputs} instead: no predictors, anchors or coder; its scores already went through
 * the score function ({@code logitsPerAnchor} of them per anchor).
 */
public record SsdModel(String name, Network network, Shape inputShape, List<BoxPredictor> predictors,
                       Anchors anchors, BoxCoder coder, ScoreFunction scoreFunction, int logitsPerAnchor,
                       int labelOffset, List<String> labels, Preprocessor preprocessor,
                       PostProcessor.Strategy nmsStrategy, int preNmsTopK, DetectorOptions defaults,
                       OutputQuantization quantization, java.util.Map<String, String> sourceNames,
                       DecodedOutputs decodedOutputs) {

    /**
     * The layers of a network that outputs decoded boxes [N x 4] (x1, y1, x2, y2 normalised to the
     * input frame) and scores [N x K], row by row.
     */
    public record DecodedOutputs(String boxesLayer, String scoresLayer, int anchors) {}

    /** A model that decodes its predictors' outputs itself. */
    public SsdModel(String name, Network network, Shape inputShape, List<BoxPredictor> predictors,
                    Anchors anchors, BoxCoder coder, ScoreFunction scoreFunction, int logitsPerAnchor,
                    int labelOffset, List<String> labels, Preprocessor preprocessor,
                    PostProcessor.Strategy nmsStrategy, int preNmsTopK, DetectorOptions defaults,
                    OutputQuantization quantization, java.util.Map<String, String> sourceNames) {
        this(name, network, inputShape, predictors, anchors, coder, scoreFunction, logitsPerAnchor, labelOffset, labels,
                preprocessor, nmsStrategy, preNmsTopK, defaults, quantization, sourceNames, null);
    }

    /** A model whose network decodes: scores (after their score function) and boxes come out of the graph. */
    public static SsdModel decoded(String name, Network network, Shape inputShape, DecodedOutputs outputs, int scoresPerAnchor,
                                   int labelOffset, List<String> labels, Preprocessor preprocessor, PostProcessor.Strategy nmsStrategy,
                                   int preNmsTopK, DetectorOptions defaults) {
        return new SsdModel(name, network, inputShape, List.of(), null, null, null, scoresPerAnchor, labelOffset, labels,
                preprocessor, nmsStrategy, preNmsTopK, defaults, null, java.util.Map.of(), outputs);
    }

    /** A model whose weights need no source names (each is called after its layer). */
    public SsdModel(String name, Network network, Shape inputShape, List<BoxPredictor> predictors,
                    Anchors anchors, BoxCoder coder, ScoreFunction scoreFunction, int logitsPerAnchor,
                    int labelOffset, List<String> labels, Preprocessor preprocessor,
                    PostProcessor.Strategy nmsStrategy, int preNmsTopK, DetectorOptions defaults,
                    OutputQuantization quantization) {
        this(name, network, inputShape, predictors, anchors, coder, scoreFunction, logitsPerAnchor, labelOffset, labels,
                preprocessor, nmsStrategy, preNmsTopK, defaults, quantization, java.util.Map.of());
    }

    /**
     * The name a weight had in its source file (TFLite tensor, Caffe layer, TF.js weight), for
     * tracing; {@code kind} is "weights" or "bias". Falls back to "layer/kind".
     */
    public String sourceName(String layer, String kind) {
        return sourceNames.getOrDefault(layer + "/" + kind, layer + "/" + kind);
    }

    public SsdModel {
        sourceNames = java.util.Map.copyOf(sourceNames);
        predictors = List.copyOf(predictors);
        labels = List.copyOf(labels);
        if (labelOffset + labels.size() > logitsPerAnchor) {
            throw new IllegalArgumentException("model " + name + ": " + labels.size() + " labels from logit " + labelOffset
                    + " need " + (labelOffset + labels.size()) + " logits per anchor, the predictors give " + logitsPerAnchor);
        }
        Shape[] shapes = network.shapes(inputShape);
        if (decodedOutputs != null) {
            int n = decodedOutputs.anchors();
            Shape b = shapes[network.indexOf(decodedOutputs.boxesLayer())], sc = shapes[network.indexOf(decodedOutputs.scoresLayer())];
            if (n <= 0 || b.size() != n * 4 || sc.size() != n * logitsPerAnchor) {
                throw new IllegalArgumentException("model " + name + ": outputs of " + b.size() + " box and " + sc.size()
                        + " score values do not hold " + n + " rows of 4 and " + logitsPerAnchor);
            }
        } else {
            checkPredictors(name, predictors, anchors, logitsPerAnchor, network, shapes);
        }
    }

    private static void checkPredictors(String name, List<BoxPredictor> predictors, Anchors anchors, int logitsPerAnchor,
                                        Network network, Shape[] shapes) {
        int expected = 0;
        for (BoxPredictor p : predictors) {
            Shape box = shapes[network.indexOf(p.boxLayer())], cls = shapes[network.indexOf(p.classLayer())];
            if (box.c() != p.anchorsPerCell() * 4 || cls.c() != p.anchorsPerCell() * logitsPerAnchor) {
                throw new IllegalArgumentException("model " + name + ": predictor " + p.boxLayer() + " gives " + box.c()
                        + " box and " + cls.c() + " class channels, expected " + p.anchorsPerCell() * 4 + " and "
                        + p.anchorsPerCell() * logitsPerAnchor);
            }
            expected += box.plane() * p.anchorsPerCell();
        }
        if (anchors.count() != expected) {
            throw new IllegalArgumentException("model " + name + ": " + anchors.count() + " anchors but the predictors make "
                    + expected + " predictions");
        }
    }

    /** The layers whose outputs decoding reads: every predictor's box and class layer. */
    public java.util.Set<String> outputLayers() {
        if (decodedOutputs != null) return java.util.Set.of(decodedOutputs.boxesLayer(), decodedOutputs.scoresLayer());
        java.util.Set<String> s = new java.util.HashSet<>();
        for (BoxPredictor p : predictors) {
            s.add(p.boxLayer());
            s.add(p.classLayer());
        }
        return s;
    }

    /** The same model fed by another preprocessing (e.g. a reference implementation's resize in a test). */
    public SsdModel withPreprocessor(Preprocessor p) {
        return new SsdModel(name, network, inputShape, predictors, anchors, coder, scoreFunction, logitsPerAnchor, labelOffset,
                labels, p, nmsStrategy, preNmsTopK, defaults, quantization, sourceNames, decodedOutputs);
    }

    public int anchorCount() {
        return decodedOutputs != null ? decodedOutputs.anchors() : anchors.count();
    }

    /** Decodes the forward pass in {@code ws} into boxes and per-label scores. */
    public RawDetections decode(Workspace ws, FrameMapping mapping) {
        int n = anchorCount(), k = logitsPerAnchor, l = labels.size();
        if (decodedOutputs != null) {
            float[] boxes = java.util.Arrays.copyOf(ws.output(decodedOutputs.boxesLayer()).data(), n * 4), scores = new float[n * l];
            float[] all = ws.output(decodedOutputs.scoresLayer()).data();
            for (int i = 0; i < n; i++) System.arraycopy(all, i * k + labelOffset, scores, i * l, l);
            return new RawDetections(boxes, scores, n, l, mapping);
        }
        float[] enc = new float[n * 4], logits = new float[n * k], boxes = new float[n * 4], scores = new float[n * l];
        MultiboxOutputs.gather(ws, predictors, k, enc, logits);
        if (quantization != null) quantization.encodings(enc);
        coder.decode(enc, anchors, boxes);
        if (quantization != null && scoreFunction == ScoreFunction.SIGMOID) {
            float[] table = quantization.logisticScores(); // 256 logit levels: look scores up
            for (int i = 0; i < n; i++) {
                for (int j = 0, src = i * k + labelOffset; j < l; j++) scores[i * l + j] = table[quantization.logitLevel(logits[src + j])];
            }
            return new RawDetections(boxes, scores, n, l, mapping);
        }
        if (quantization != null) quantization.logits(logits);
        for (int i = 0; i < n; i++) {
            scoreFunction.apply(logits, i * k, scoreFunction == ScoreFunction.SOFTMAX ? k : labelOffset + l);
            System.arraycopy(logits, i * k + labelOffset, scores, i * l, l);
        }
        if (quantization != null) {
            for (int i = 0; i < scores.length; i++) scores[i] = quantization.score(scores[i]);
        }
        return new RawDetections(boxes, scores, n, l, mapping);
    }

    public PostProcessor postProcessor() {
        return new PostProcessor(nmsStrategy, labels, preNmsTopK);
    }
}
