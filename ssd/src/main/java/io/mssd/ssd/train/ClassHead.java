package io.mssd.ssd.train;

import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Layer;
import io.mssd.core.nn.Network;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.model.SsdModel;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * New class predictors for a new label set: every class predictor convolution gets
 * anchors x (1 + classes) outputs. The background output of each anchor keeps the source model's
 * weights (what is not an object does not change with the label set); the new class outputs start
 * from seeded normal weights (std 0.01) and the bias of a 1% prior, so early training is not swamped
 * by false positives. Backbone and box predictors keep their weights (shared arrays).
 */
public final class ClassHead {
    static final double WEIGHT_STD = 0.01, PRIOR = 0.01;

    private ClassHead() {}

    public static SsdModel replace(SsdModel m, List<String> classes, long seed) {
        if (classes.isEmpty()) throw new IllegalArgumentException("--classes needs at least one class name");
        if (m.labelOffset() != 1) {
            throw new IllegalArgumentException("model " + m.name() + ": new class heads need a model with one background output first");
        }
        int k = m.logitsPerAnchor(), nk = 1 + classes.size();
        Set<String> cls = new HashSet<>();
        for (BoxPredictor p : m.predictors()) cls.add(p.classLayer());
        SplittableRandom rnd = new SplittableRandom(seed);
        Network.Builder b = Network.builder();
        List<Network.Node> nodes = m.network().nodes();
        float fgBias = (float) -Math.log((1 - PRIOR) / PRIOR);
        for (Network.Node node : nodes) {
            Layer l = node.layer();
            if (cls.contains(l.name())) {
                Convolution c = (Convolution) l;
                var s = c.spec();
                int anchors = s.cout() / k, per = s.weightCount() / s.cout();
                var spec = new io.mssd.core.nn.ConvSpec(s.cin(), anchors * nk, s.kh(), s.kw(), s.stride(), s.groups(), s.padding());
                float[] w = new float[spec.weightCount()], bias = new float[spec.cout()];
                for (int a = 0; a < anchors; a++) {
                    for (int j = 0; j < nk; j++) {
                        int o = a * nk + j;
                        if (j == 0) {
                            System.arraycopy(c.weights(), (a * k) * per, w, o * per, per);
                            bias[o] = c.bias() != null ? c.bias()[a * k] : 0f;
                        } else {
                            for (int i = 0; i < per; i++) w[o * per + i] = (float) (rnd.nextGaussian() * WEIGHT_STD);
                            bias[o] = m.scoreFunction() == io.mssd.ssd.head.ScoreFunction.SIGMOID ? fgBias : 0f;
                        }
                    }
                }
                l = Convolution.of(c.name(), spec, w, bias, c.activation());
            }
            b.add(l, node.inputs()); // same positions: every node keeps its index, all its inputs (residual sums too)
        }
        return new SsdModel(m.name(), b.build(), m.inputShape(), m.predictors(), m.anchors(), m.coder(), m.scoreFunction(), nk, 1,
                classes, m.preprocessor(), m.nmsStrategy(), m.preNmsTopK(), m.defaults(), null, m.sourceNames());
    }
}
