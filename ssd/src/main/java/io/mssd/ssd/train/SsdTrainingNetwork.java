package io.mssd.ssd.train;

import io.mssd.core.train.Parameter;
import io.mssd.core.train.TrainingGraph;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.MultiboxOutputs;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.preprocess.FrameMapping;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An SsdModel being trained: its network as a {@link TrainingGraph} (parameters named as in the
 * source file), the MultiBox loss on its anchors and box coder, and per-thread passes that take a
 * training sample through preprocessing, the network, the loss and back.
 */
public final class SsdTrainingNetwork {
    private final SsdModel model;
    private final TrainingGraph graph;
    private final MultiBoxLoss loss;
    private final Set<String> headLayers = new HashSet<>();

    public SsdTrainingNetwork(SsdModel model) {
        if (model.quantization() != null) {
            throw new IllegalArgumentException("model " + model.name() + " is quantised: train its float version (tflite: models load as float for training)");
        }
        if (model.decodedOutputs() != null) {
            throw new IllegalArgumentException("model " + model.name() + " decodes boxes inside its graph (an ONNX export): it cannot be trained yet");
        }
        this.model = model;
        this.graph = new TrainingGraph(model.network(), model.inputShape(), model::sourceName);
        this.loss = new MultiBoxLoss(model.anchors(), model.coder(), model.scoreFunction(), model.logitsPerAnchor(), model.labelOffset());
        for (BoxPredictor p : model.predictors()) {
            headLayers.add(p.boxLayer());
            headLayers.add(p.classLayer());
        }
    }

    public SsdModel model() {
        return model;
    }

    public TrainingGraph graph() {
        return graph;
    }

    public List<Parameter> parameters() {
        return graph.parameters();
    }

    public MultiBoxLoss loss() {
        return loss;
    }

    /** The names of the parameters of the predictor (box and class) layers: what "the heads" are. */
    public Set<String> headParameterNames() {
        Set<String> s = new HashSet<>();
        for (String layer : headLayers) {
            s.add(model.sourceName(layer, "weights"));
            s.add(model.sourceName(layer, "bias"));
        }
        return s;
    }

    /** Trains the predictor layers only (true) or every layer (false). */
    public void freezeBackbone(boolean frozen) {
        Set<String> heads = headParameterNames();
        graph.setTrainable(p -> !frozen || heads.contains(p.name()));
    }

    public ImagePass newPass() {
        return new ImagePass();
    }

    /** Normalised ground truth of a sample in the network's input frame, as the preprocessing maps it. */
    static double[] normalise(TrainingSample s, FrameMapping m) {
        double[] gt = new double[s.boxes().length];
        for (int i = 0; i < gt.length; i += 4) {
            gt[i] = s.boxes()[i] / m.pixelsPerUnitX();
            gt[i + 1] = s.boxes()[i + 1] / m.pixelsPerUnitY();
            gt[i + 2] = s.boxes()[i + 2] / m.pixelsPerUnitX();
            gt[i + 3] = s.boxes()[i + 3] / m.pixelsPerUnitY();
        }
        return gt;
    }

    /** One thread's pass: forward, loss and backward of one image at a time; gradients add up in the graph pass. */
    public final class ImagePass {
        private final TrainingGraph.Pass pass = graph.newPass();
        private final int n = model.anchorCount(), k = model.logitsPerAnchor();
        private final float[] enc = new float[n * 4], logits = new float[n * k], dEnc = new float[n * 4], dLogits = new float[n * k];

        public TrainingGraph.Pass graphPass() {
            return pass;
        }

        /** Forward, loss and (if backward) gradient sums of the unnormalised loss for one sample. */
        public MultiBoxLoss.Parts run(TrainingSample sample, boolean backward) {
            FrameMapping m = model.preprocessor().apply(sample.image(), pass.input());
            double[] gt = normalise(sample, m);
            pass.forward();
            MultiboxOutputs.gather(pass::output, model.predictors(), k, enc, logits);
            MultiBoxLoss.Parts parts = loss.compute(enc, logits, gt, sample.labels(), dEnc, dLogits);
            if (backward) {
                MultiboxOutputs.scatter(pass::outputGradient, layer -> pass.output(layer).shape().plane(), model.predictors(), k,
                        dEnc, dLogits);
                pass.backward();
            }
            return parts;
        }
    }
}
