package io.mssd.core.train;

import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.ActivationLayer;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Layer;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer's backward pass against central finite differences of an independent forward pass
 * in double (direct loops, no im2col, no GEMM): L = sum(out * R) for a fixed random R, so
 * dL/d(out) = R. Checked for each weight, bias and the input of layers whose input needs a gradient.
 */
class TrainingGraphGradientTest {

    /** One layer of a chain: a convolution (spec != null) or a stand-alone activation; input = previous. */
    record Op(ConvSpec spec, Activation act) {}

    static Stream<Object[]> layers() {
        return Stream.of(
                new Object[] {"3x3/1 same relu6", new Op(ConvSpec.conv(3, 5, 3, 1, Padding.SAME), Activation.RELU6), 9, 7},
                new Object[] {"3x3/2 same relu6 (odd pixel bottom/right)", new Op(ConvSpec.conv(3, 4, 3, 2, Padding.SAME), Activation.RELU6), 9, 8},
                new Object[] {"3x3/2 caffe pad 1 relu", new Op(new ConvSpec(3, 4, 3, 3, 2, 1, Padding.explicit(1, 1)), Activation.RELU), 8, 9},
                new Object[] {"1x1/1 none", new Op(ConvSpec.pointwise(6, 5), Activation.NONE), 5, 6},
                new Object[] {"1x1/2 none", new Op(ConvSpec.conv(6, 5, 1, 2, Padding.SAME), Activation.NONE), 7, 6},
                new Object[] {"depthwise 3x3/1 same relu6", new Op(ConvSpec.depthwise(4, 3, 1, Padding.SAME), Activation.RELU6), 9, 7},
                new Object[] {"depthwise 3x3/2 same relu6", new Op(ConvSpec.depthwise(4, 3, 2, Padding.SAME), Activation.RELU6), 9, 10},
                new Object[] {"depthwise 3x3/2 caffe pad 1", new Op(new ConvSpec(4, 4, 3, 3, 2, 4, Padding.explicit(1, 1)), Activation.NONE), 8, 7},
                // maps at least two vectors wide take the Vector API kernels (512-bit: 16 lanes)
                new Object[] {"depthwise 3x3/1 same, wide map", new Op(ConvSpec.depthwise(3, 3, 1, Padding.SAME), Activation.RELU6), 5, 37},
                new Object[] {"depthwise 3x3/2 same, wide map", new Op(ConvSpec.depthwise(3, 3, 2, Padding.SAME), Activation.RELU6), 7, 70},
                new Object[] {"depthwise 3x3/2 caffe pad 1, wide map", new Op(new ConvSpec(3, 3, 3, 3, 2, 3, Padding.explicit(1, 1)), Activation.NONE), 6, 67},
                new Object[] {"grouped 3x3/1 g2", new Op(new ConvSpec(4, 6, 3, 3, 1, 2, Padding.explicit(1, 1)), Activation.RELU), 6, 6},
                new Object[] {"5x3 kernel valid", new Op(new ConvSpec(2, 3, 5, 3, 1, 1, Padding.VALID), Activation.NONE), 9, 7});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void singleLayerAfterAnotherMatchesFiniteDifferences(String name, Op op, int h, int w) {
        // a leading 1x1 layer, so the checked layer's input gradient is exercised too
        List<Op> chain = List.of(new Op(ConvSpec.pointwise(3, op.spec().cin()), Activation.NONE), op);
        check(chain, Shape.of(1, 3, h, w), 3, name.hashCode());
    }

    @Test
    void chainWithStandAloneActivationsAndABranch() {
        List<Op> chain = List.of(new Op(ConvSpec.conv(3, 6, 3, 2, Padding.SAME), Activation.NONE), new Op(null, Activation.RELU6),
                new Op(ConvSpec.depthwise(6, 3, 1, Padding.SAME), Activation.RELU6), new Op(ConvSpec.pointwise(6, 8), Activation.RELU),
                new Op(ConvSpec.conv(8, 4, 3, 2, Padding.SAME), Activation.NONE));
        check(chain, Shape.of(1, 3, 11, 9), 5, 17);
    }

    @Test
    void frozenLayersGetNoGradientAndTheRestStillMatch() {
        List<Op> chain = List.of(new Op(ConvSpec.conv(3, 4, 3, 1, Padding.SAME), Activation.RELU6),
                new Op(ConvSpec.pointwise(4, 5), Activation.NONE));
        SplittableRandom rnd = new SplittableRandom(3);
        Built b = build(chain, rnd);
        TrainingGraph g = new TrainingGraph(b.net, Shape.of(1, 3, 6, 6), (l, k) -> l + "/" + k);
        g.setTrainable(p -> p.name().startsWith("L1"));
        float[] x = random(rnd, 3 * 36);
        float[] r = random(rnd, 5 * 36);
        float[][] grads = analytic(g, x, r, "L1");
        for (Parameter p : g.parameters()) {
            if (p.name().startsWith("L0")) for (float v : grads[g.parameters().indexOf(p)]) assertEquals(0f, v, p.name());
        }
        Parameter w1 = g.parameters().get(2);
        for (int i = 0; i < w1.size(); i += 3) {
            double num = numeric(chain, b, x, r, Shape.of(1, 3, 6, 6), 2, i);
            assertEquals(num, grads[2][i], 1e-3 * Math.max(1, Math.abs(num)), "L1 weight " + i);
        }
    }

    @Test
    void passesOnTwoThreadsSumToTheSingleThreadGradient() throws Exception {
        List<Op> chain = List.of(new Op(ConvSpec.conv(3, 4, 3, 2, Padding.SAME), Activation.RELU6),
                new Op(ConvSpec.depthwise(4, 3, 1, Padding.SAME), Activation.RELU6), new Op(ConvSpec.pointwise(4, 6), Activation.NONE));
        SplittableRandom rnd = new SplittableRandom(5);
        Built b = build(chain, rnd);
        Shape in = Shape.of(1, 3, 10, 10);
        TrainingGraph g = new TrainingGraph(b.net, in, (l, k) -> l + "/" + k);
        float[][] xs = {random(rnd, 300), random(rnd, 300), random(rnd, 300)};
        float[] r = random(rnd, 6 * 25);
        TrainingGraph.Pass one = g.newPass();
        g.beginStep();
        for (float[] x : xs) run(one, b, x, r);
        g.collectGradients(List.of(one), 0.5f);
        List<float[]> single = new ArrayList<>();
        for (Parameter p : g.parameters()) single.add(p.grad().clone());
        TrainingGraph.Pass p0 = g.newPass(), p1 = g.newPass();
        Thread t = new Thread(() -> run(p1, b, xs[1], r));
        t.start();
        run(p0, b, xs[0], r);
        run(p0, b, xs[2], r);
        t.join();
        g.collectGradients(List.of(p0, p1), 0.5f);
        for (int i = 0; i < single.size(); i++) {
            float[] a = single.get(i), c = g.parameters().get(i).grad();
            for (int j = 0; j < a.length; j++) assertEquals(a[j], c[j], 1e-5f * Math.max(1, Math.abs(a[j])), "parameter " + i);
        }
    }

    @Test
    void layersThatCannotBeTrainedAreNamed() {
        Network net = Network.builder().add(new io.mssd.core.nn.Softmax("probabilities")).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TrainingGraph(net, Shape.of(1, 3, 2, 2), (l, k) -> l));
        assertTrue(e.getMessage().contains("probabilities"), e.getMessage());
    }

    // ---- helpers

    record Built(Network net, List<float[]> weights, List<float[]> biases) {}

    static Built build(List<Op> chain, SplittableRandom rnd) {
        Network.Builder nb = Network.builder();
        List<float[]> ws = new ArrayList<>(), bs = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            Op op = chain.get(i);
            Layer l;
            if (op.spec() == null) {
                l = new ActivationLayer("L" + i, op.act());
                ws.add(null);
                bs.add(null);
            } else {
                float[] w = random(rnd, op.spec().weightCount()), bias = random(rnd, op.spec().cout());
                for (int j = 0; j < bias.length; j++) bias[j] += 0.5f; // keep some outputs away from the ReLU kink
                ws.add(w);
                bs.add(bias);
                l = Convolution.of("L" + i, op.spec(), w, bias, op.act());
            }
            if (i == 0) nb.addFromInput(l);
            else nb.add(l);
        }
        return new Built(nb.build(), ws, bs);
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    static void run(TrainingGraph.Pass pass, Built b, float[] x, float[] r) {
        System.arraycopy(x, 0, pass.input().data(), 0, x.length);
        pass.forward();
        float[] g = pass.outputGradient("L" + (b.net.nodes().size() - 1));
        System.arraycopy(r, 0, g, 0, r.length);
        pass.backward();
    }

    static float[][] analytic(TrainingGraph g, float[] x, float[] r, String last) {
        TrainingGraph.Pass pass = g.newPass();
        g.beginStep();
        System.arraycopy(x, 0, pass.input().data(), 0, x.length);
        pass.forward();
        float[] out = pass.outputGradient(last);
        System.arraycopy(r, 0, out, 0, r.length);
        pass.backward();
        g.collectGradients(List.of(pass), 1f);
        float[][] grads = new float[g.parameters().size()][];
        for (int i = 0; i < grads.length; i++) grads[i] = g.parameters().get(i).grad().clone();
        return grads;
    }

    void check(List<Op> chain, Shape in, int stride, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Built b = build(chain, rnd);
        TrainingGraph g = new TrainingGraph(b.net, in, (l, k) -> l + "/" + k);
        Shape[] shapes = b.net.shapes(in);
        float[] x = random(rnd, in.size());
        float[] r = random(rnd, shapes[shapes.length - 1].size());
        float[][] grads = analytic(g, x, r, "L" + (chain.size() - 1));
        int checked = 0;
        for (int p = 0; p < g.parameters().size(); p++) {
            Parameter param = g.parameters().get(p);
            for (int i = p % stride; i < param.size(); i += stride) {
                double num = numeric(chain, b, x, r, in, p, i);
                assertEquals(num, grads[p][i], 2e-3 * Math.max(1, Math.abs(num)), param.name() + " [" + i + "]");
                checked++;
            }
        }
        assertTrue(checked >= 12, "checked " + checked);
    }

    /** Central difference of L with respect to parameter p's element i (weights and biases alternate per conv). */
    static double numeric(List<Op> chain, Built b, float[] x, float[] r, Shape in, int p, int i) {
        double eps = 1e-6; // the reference runs in double: a small step rarely straddles a ReLU kink
        double[][] w = new double[chain.size()][], bias = new double[chain.size()][];
        int k = 0, target = -1;
        boolean isBias = false;
        for (int j = 0; j < chain.size(); j++) {
            if (chain.get(j).spec() == null) continue;
            w[j] = toDouble(b.weights.get(j));
            bias[j] = toDouble(b.biases.get(j));
            if (k == p) target = j;
            if (k + 1 == p) {
                target = j;
                isBias = true;
            }
            k += 2;
        }
        double[] arr = isBias ? bias[target] : w[target];
        double keep = arr[i];
        arr[i] = keep + eps;
        double plus = loss(chain, w, bias, x, r, in);
        arr[i] = keep - eps;
        double minus = loss(chain, w, bias, x, r, in);
        arr[i] = keep;
        return (plus - minus) / (2 * eps);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    static double loss(List<Op> chain, double[][] w, double[][] bias, float[] x, float[] r, Shape in) {
        double[] v = toDouble(x);
        int c = in.c(), h = in.h(), wd = in.w();
        for (int j = 0; j < chain.size(); j++) {
            Op op = chain.get(j);
            if (op.spec() == null) {
                for (int i = 0; i < v.length; i++) v[i] = clamp(v[i], op.act());
                continue;
            }
            ConvSpec s = op.spec();
            v = conv(s, op.act(), w[j], bias[j], v, h, wd);
            int oh = s.padding().outSize(h, s.kh(), s.stride(), true), ow = s.padding().outSize(wd, s.kw(), s.stride(), false);
            c = s.cout();
            h = oh;
            wd = ow;
        }
        double l = 0;
        for (int i = 0; i < v.length; i++) l += v[i] * r[i];
        return l;
    }

    /** A convolution in double, direct loops. */
    static double[] conv(ConvSpec s, Activation act, double[] w, double[] bias, double[] v, int h, int wd) {
        int oh = s.padding().outSize(h, s.kh(), s.stride(), true), ow = s.padding().outSize(wd, s.kw(), s.stride(), false);
        int pt = s.padding().before(h, s.kh(), s.stride(), true), pl = s.padding().before(wd, s.kw(), s.stride(), false);
        int cinG = s.cin() / s.groups(), coutG = s.cout() / s.groups();
        double[] out = new double[s.cout() * oh * ow];
        for (int o = 0; o < s.cout(); o++) {
            int g = o / coutG;
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double sum = bias[o];
                    for (int ci = 0; ci < cinG; ci++)
                        for (int ky = 0; ky < s.kh(); ky++)
                            for (int kx = 0; kx < s.kw(); kx++) {
                                int iy = y * s.stride() + ky - pt, ix = xx * s.stride() + kx - pl;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                sum += w[((o * cinG + ci) * s.kh() + ky) * s.kw() + kx] * v[((g * cinG + ci) * h + iy) * wd + ix];
                            }
                    out[(o * oh + y) * ow + xx] = clamp(sum, act);
                }
            }
        }
        return out;
    }

    /** MobileNetV2's inverted residual: the sum passes its gradient to both the block and the shortcut. */
    @Test
    void residualSumMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(21);
        ConvSpec s0 = ConvSpec.pointwise(3, 4), s1 = ConvSpec.depthwise(4, 3, 1, Padding.explicit(1, 1)), s2 = ConvSpec.pointwise(4, 4),
                s4 = ConvSpec.pointwise(4, 5);
        ConvSpec[] specs = {s0, s1, s2, null, s4};
        Activation[] acts = {Activation.NONE, Activation.RELU6, Activation.NONE, Activation.NONE, Activation.NONE};
        float[][] w = new float[5][], b = new float[5][];
        Network.Builder nb = Network.builder();
        for (int i = 0; i < 5; i++) {
            if (specs[i] == null) {
                nb.add(new io.mssd.core.nn.BroadcastBinary("L3", io.mssd.core.nn.BroadcastBinary.Op.ADD), new int[] {2, 0});
                continue;
            }
            w[i] = random(rnd, specs[i].weightCount());
            b[i] = random(rnd, specs[i].cout());
            for (int j = 0; j < b[i].length; j++) b[i][j] += 0.5f;
            nb.add(Convolution.of("L" + i, specs[i], w[i], b[i], acts[i]), new int[] {i - 1});
        }
        Network net = nb.build();
        Shape in = Shape.of(1, 3, 6, 7);
        TrainingGraph g = new TrainingGraph(net, in, (l, k) -> l + "/" + k);
        float[] x = random(rnd, in.size()), r = random(rnd, 5 * 42);
        float[][] grads = analytic(g, x, r, "L4");
        java.util.function.ToDoubleFunction<double[][][]> loss = p -> {
            double[] a0 = conv(s0, acts[0], p[0][0], p[1][0], toDouble(x), 6, 7);
            double[] a2 = conv(s2, acts[2], p[0][2], p[1][2], conv(s1, acts[1], p[0][1], p[1][1], a0, 6, 7), 6, 7);
            double[] sum = new double[a2.length];
            for (int i = 0; i < sum.length; i++) sum[i] = a2[i] + a0[i];
            double[] o = conv(s4, acts[4], p[0][4], p[1][4], sum, 6, 7);
            double l = 0;
            for (int i = 0; i < o.length; i++) l += o[i] * r[i];
            return l;
        };
        int param = 0, checked = 0;
        for (int layer : new int[] {0, 1, 2, 4}) {
            for (int kind = 0; kind < 2; kind++, param++) {
                float[] arr = kind == 0 ? w[layer] : b[layer];
                for (int i = 0; i < arr.length; i += 3) {
                    double[][][] p = new double[2][5][];
                    for (int j : new int[] {0, 1, 2, 4}) {
                        p[0][j] = toDouble(w[j]);
                        p[1][j] = toDouble(b[j]);
                    }
                    double eps = 1e-6, keep = p[kind][layer][i];
                    p[kind][layer][i] = keep + eps;
                    double plus = loss.applyAsDouble(p);
                    p[kind][layer][i] = keep - eps;
                    double num = (plus - loss.applyAsDouble(p)) / (2 * eps);
                    assertEquals(num, grads[param][i], 2e-3 * Math.max(1, Math.abs(num)), "L" + layer + (kind == 0 ? " weight " : " bias ") + i);
                    checked++;
                }
            }
        }
        assertTrue(checked > 20, "checked " + checked);
    }

    static double clamp(double v, Activation a) {
        return v < a.lo ? a.lo : (v > a.hi ? a.hi : v);
    }
}
