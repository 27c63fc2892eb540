package io.mssd.ssd.model;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.AxisSoftmax;
import io.mssd.core.nn.Concat;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Layer;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Reshape;
import io.mssd.core.nn.Transpose;
import io.mssd.core.nn.Workspace;
import io.mssd.core.tensor.Shape;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.CenterSizeBoxCoder;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.ScoreFunction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a model whose graph decodes itself (a pytorch-ssd ONNX export) back into an ordinary SSD: the
 * network up to its predictor convolutions, the predictors (found where the graph transposes each
 * head to NHWC, flattens it and concatenates them), softmax scores, and the priors and variances of
 * its box decoding, measured by running the graph's own decoding on probe inputs (all-zero offsets
 * give the priors; unit offsets the variances) and then checked on random offsets. That model can
 * be trained and exported like any other; it computes what the export computes.
 */
public final class DecodedSsdUnwrapper {
    private DecodedSsdUnwrapper() {}

    public static SsdModel unwrap(SsdModel m) {
        SsdModel.DecodedOutputs out = m.decodedOutputs();
        if (out == null) return m;
        Network net = m.network();
        int scoresNode = net.indexOf(out.scoresLayer()), boxesNode = net.indexOf(out.boxesLayer());
        List<Network.Node> nodes = net.nodes();
        if (!(nodes.get(scoresNode).layer() instanceof AxisSoftmax) || !isFlattenedHeads(net, nodes.get(scoresNode).input())) {
            throw fail(m, "its scores are not a softmax of flattened (and concatenated) class predictions");
        }
        int clsConcat = nodes.get(scoresNode).input();
        int[] clsHeads = heads(m, net, clsConcat);
        // the box predictions: the last flattened head, or concatenation of them, that the boxes depend on
        int locConcat = -1;
        boolean[] feedsBoxes = ancestorsOf(net, boxesNode);
        for (int i = 0; i < nodes.size(); i++) {
            if (i != clsConcat && feedsBoxes[i] && isFlattenedHeads(net, i)) locConcat = i;
        }
        if (locConcat < 0) throw fail(m, "no concatenation of box predictions feeds its boxes");
        int[] boxHeads = heads(m, net, locConcat);
        if (boxHeads.length != clsHeads.length) throw fail(m, boxHeads.length + " box heads but " + clsHeads.length + " class heads");
        Shape[] shapes = net.shapes(m.inputShape());
        int k = m.logitsPerAnchor();
        List<BoxPredictor> predictors = new ArrayList<>();
        int anchors = 0;
        for (int i = 0; i < boxHeads.length; i++) {
            Shape b = shapes[boxHeads[i]], c = shapes[clsHeads[i]];
            if (b.c() % 4 != 0 || c.c() % k != 0 || b.c() / 4 != c.c() / k || b.h() != c.h() || b.w() != c.w()) {
                throw fail(m, "heads " + i + " give " + b + " and " + c + ": not 4 and " + k + " values per anchor on one map");
            }
            Network.Node bn = nodes.get(boxHeads[i]);
            String feature = bn.input() < 0 ? "" : nodes.get(bn.input()).layer().name();
            predictors.add(new BoxPredictor(feature, bn.layer().name(), nodes.get(clsHeads[i]).layer().name(), b.c() / 4));
            anchors += b.plane() * (b.c() / 4);
        }
        if (anchors != out.anchors()) throw fail(m, "the heads make " + anchors + " predictions, the outputs hold " + out.anchors());
        Decoding d = measure(m, net, locConcat, boxesNode, feedsBoxes, shapes[locConcat], anchors);
        Network trunk = ancestors(net, concat(boxHeads, clsHeads));
        return new SsdModel(m.name(), trunk, m.inputShape(), predictors, d.anchors, d.coder, ScoreFunction.SOFTMAX, k, m.labelOffset(),
                m.labels(), m.preprocessor(), m.nmsStrategy(), m.preNmsTopK(), m.defaults(), null);
    }

    private static IllegalArgumentException fail(SsdModel m, String why) {
        return new IllegalArgumentException("model " + m.name() + ": cannot be turned into an SSD with predictors (" + why
                + "); it runs as it is but cannot be trained or exported");
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The nodes whose results reach node {@code to}, itself included. */
    private static boolean[] ancestorsOf(Network net, int to) {
        boolean[] a = new boolean[net.nodes().size()];
        a[to] = true;
        for (int i = to; i >= 0; i--) {
            if (!a[i]) continue;
            for (int in : net.nodes().get(i).inputs()) if (in >= 0) a[in] = true;
        }
        return a;
    }

    /** A flattened head, or a concatenation of them. */
    private static boolean isFlattenedHeads(Network net, int node) {
        if (node < 0) return false;
        if (!(net.nodes().get(node).layer() instanceof Concat)) return head(net, node) >= 0;
        for (int in : net.nodes().get(node).inputs()) if (head(net, in) < 0) return false;
        return true;
    }

    /** The convolution behind reshape(transpose(conv, NCHW -> NHWC)), or -1. */
    private static int head(Network net, int node) {
        if (node < 0 || !(net.nodes().get(node).layer() instanceof Reshape)) return -1;
        int t = net.nodes().get(node).input();
        if (t < 0 || !(net.nodes().get(t).layer() instanceof Transpose tr) || !tr.type().equals("transpose 0231")) return -1;
        int c = net.nodes().get(t).input();
        return c >= 0 && net.nodes().get(c).layer() instanceof Convolution ? c : -1;
    }

    private static int[] heads(SsdModel m, Network net, int concat) {
        if (!(net.nodes().get(concat).layer() instanceof Concat)) return new int[] {head(net, concat)};
        int[] ins = net.nodes().get(concat).inputs(), heads = new int[ins.length];
        for (int i = 0; i < ins.length; i++) {
            heads[i] = head(net, ins[i]);
            if (heads[i] < 0) throw fail(m, "input " + i + " of " + net.nodes().get(concat).layer().name() + " is not a flattened head");
        }
        return heads;
    }

    /** The nodes the given ones need, in order, as a network of their own (the trunk and heads). */
    static Network ancestors(Network net, int[] roots) {
        boolean[] need = new boolean[net.nodes().size()];
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
        for (int r : roots) todo.add(r);
        while (!todo.isEmpty()) {
            int n = todo.poll();
            if (n < 0 || need[n]) continue;
            need[n] = true;
            for (int in : net.nodes().get(n).inputs()) todo.add(in);
        }
        return subnetwork(net, need, -1);
    }

    /** The marked nodes, in order; node {@code input} (if >= 0) becomes the new network's input. */
    private static Network subnetwork(Network net, boolean[] keep, int input) {
        Network.Builder b = Network.builder();
        Map<Integer, Integer> index = new HashMap<>();
        index.put(-1, -1);
        if (input >= 0) index.put(input, -1);
        for (int i = 0; i < keep.length; i++) {
            if (!keep[i] || i == input) continue;
            int[] ins = net.nodes().get(i).inputs();
            int[] mapped = new int[ins.length];
            for (int j = 0; j < ins.length; j++) {
                Integer to = index.get(ins[j]);
                if (to == null) throw new IllegalStateException("node " + i + " reads node " + ins[j] + " outside the subnetwork");
                mapped[j] = to;
            }
            b.add(net.nodes().get(i).layer(), mapped);
            index.put(i, b.size() - 1);
        }
        return b.build();
    }

    private record Decoding(Anchors anchors, CenterSizeBoxCoder coder) {}

    /** Runs the graph's decoding (locations -> boxes) on probes: priors from zero offsets, variances from unit ones. */
    private static Decoding measure(SsdModel m, Network net, int locConcat, int boxesNode, boolean[] feeds, Shape locShape, int n) {
        boolean[] keep = new boolean[net.nodes().size()];
        keep[locConcat] = true;
        for (int i = locConcat + 1; i <= boxesNode; i++) {
            if (!feeds[i]) continue;
            for (int in : net.nodes().get(i).inputs()) {
                if (in < 0 || !keep[in]) throw fail(m, "its box decoding reads more than the box predictions (layer " + net.nodes().get(i).layer().name() + ")");
            }
            keep[i] = true;
        }
        Network decode = subnetwork(net, keep, locConcat);
        Workspace ws = decode.newWorkspace(locShape, ComputePool.single());
        float[] zero = new float[n * 4], unit = new float[n * 4];
        java.util.Arrays.fill(unit, 1f);
        float[] b0 = run(ws, zero, n), b1 = run(ws, unit, n);
        float[] cs = new float[n * 4];
        double vxy = 0, vwh = 0;
        for (int i = 0; i < n; i++) {
            int o = i * 4;
            float w = b0[o + 2] - b0[o], h = b0[o + 3] - b0[o + 1], cx = (b0[o] + b0[o + 2]) / 2, cy = (b0[o + 1] + b0[o + 3]) / 2;
            if (!(w > 0 && h > 0)) throw fail(m, "prior " + i + " has no area");
            cs[o] = cy;
            cs[o + 1] = cx;
            cs[o + 2] = h;
            cs[o + 3] = w;
            float w1 = b1[o + 2] - b1[o], cx1 = (b1[o] + b1[o + 2]) / 2;
            vxy += (cx1 - cx) / w;
            vwh += Math.log(w1 / w);
        }
        vxy /= n;
        vwh /= n;
        // variances as the exporter wrote them (0.1 and 0.2 for pytorch-ssd), not as float rounding left them
        float vc = (float) (Math.round(vxy * 1e5) / 1e5), vs = (float) (Math.round(vwh * 1e5) / 1e5);
        Anchors anchors = new Anchors(cs);
        CenterSizeBoxCoder coder = CenterSizeBoxCoder.caffe(vc, vc, vs, vs);
        // the check: random offsets decode the same through the graph and through the coder
        float[] probe = new float[n * 4], mine = new float[n * 4];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < probe.length; i++) probe[i] = (float) (r.nextDouble() * 4 - 2);
        float[] theirs = run(ws, probe, n);
        coder.decode(probe, anchors, mine);
        for (int i = 0; i < mine.length; i++) {
            if (Math.abs(mine[i] - theirs[i]) > 1e-4 * Math.max(1, Math.abs(theirs[i]))) {
                throw fail(m, "its box decoding is not center-size with variances " + vc + " and " + vs + " (anchor " + i / 4 + ")");
            }
        }
        return new Decoding(anchors, coder);
    }

    private static float[] run(Workspace ws, float[] loc, int n) {
        System.arraycopy(loc, 0, ws.input().data(), 0, loc.length);
        ws.forward();
        return java.util.Arrays.copyOf(ws.lastOutput().data(), n * 4);
    }
}
