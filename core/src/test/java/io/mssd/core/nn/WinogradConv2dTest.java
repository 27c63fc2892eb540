package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.ScalarGemmKernel;
import io.mssd.core.kernels.WinogradF43;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Winograd F(4x4, 3x3) against the direct convolution in double. Its error is rounding only, but the
 * transforms' intermediate values are larger than the outputs (factors 4, 5 and 1/24), so it is bounded by
 * a larger multiple of float's epsilon than input-order summation: 1e-4 of the products' magnitudes,
 * sum |w| |x| (+ |bias|), at every output pixel (about 840 epsilons; the worst seen here is 4.3e-5).
 */
class WinogradConv2dTest {
    static final ComputePool TWO = new ComputePool(2);
    static final double TOLERANCE = 1e-4;

    @AfterAll
    static void close() {
        TWO.close();
    }

    @Test
    void smallShapesEqualTheDirectConvolution() {
        SplittableRandom rnd = new SplittableRandom(43);
        int cases = 0;
        // channels around one and two vectors (the transforms' padding), maps from one tile to several with
        // ragged edges, every padding a 3x3/1 convolution meets
        int[] channels = {1, 3, WinogradF43.LANES - 1, WinogradF43.LANES, WinogradF43.LANES + 1, 2 * WinogradF43.LANES + 3};
        List<Padding> paddings = List.of(Padding.SAME, Padding.VALID, Padding.explicit(1, 1), Padding.explicit(2, 2),
                Padding.explicit(0, 1), Padding.explicit(2, 1));
        for (int cin : channels) {
            for (int cout : channels) {
                for (Padding pad : paddings) {
                    int h = 8 + rnd.nextInt(8), w = 8 + rnd.nextInt(8);
                    check(rnd, cin, cout, h, w, pad, 1 + rnd.nextInt(2), rnd.nextBoolean());
                    cases++;
                }
            }
        }
        for (int h = 6; h <= 14; h++) {
            for (int w = 6; w <= 14; w++) check(rnd, 5, 7, h, w, Padding.SAME, 1, true);
        }
        assertTrue(cases == channels.length * channels.length * paddings.size());
    }

    @Test
    void headSizedLayersEqualTheDirectConvolution() {
        SplittableRandom rnd = new SplittableRandom(19);
        check(rnd, 512, 24, 19, 19, Padding.explicit(1, 1), 1, true); // pytorch-ssd's first regression head
        check(rnd, 96, 126, 10, 10, Padding.explicit(1, 1), 1, true);
        check(rnd, 64, 40, 38, 38, Padding.SAME, 1, false);
    }

    /** Every activation, one and two threads: within the bound of the reference, and the same bits both ways. */
    private static void check(SplittableRandom rnd, int cin, int cout, int h, int w, Padding pad, int batch, boolean withBias) {
        ConvSpec spec = new ConvSpec(cin, cout, 3, 3, 1, 1, pad);
        float[] weights = Reference.random(rnd, spec.weightCount(), 1);
        float[] bias = withBias ? Reference.random(rnd, cout, 1) : null;
        Tensor in = Reference.random(rnd, Shape.of(batch, cin, h, w));
        Tensor magnitude = Reference.conv(abs(in), spec, abs(weights), bias == null ? null : abs(bias), Activation.NONE);
        for (Activation act : Activation.values()) {
            Tensor expected = Reference.conv(in, spec, weights, bias, act);
            WinogradConv2d layer = new WinogradConv2d("wino", spec, weights, bias, act);
            Tensor one = Reference.run(layer, in, ComputePool.single());
            Tensor two = Reference.run(layer, in, TWO);
            String what = spec + " on " + in.shape() + " " + act + (withBias ? "" : " without bias");
            assertEquals(expected.shape(), one.shape(), what);
            for (int i = 0; i < expected.data().length; i++) {
                double err = Math.abs(expected.data()[i] - one.data()[i]);
                assertTrue(err <= TOLERANCE * magnitude.data()[i] + 1e-30, what + ": value " + i + " is " + one.data()[i]
                        + ", expected " + expected.data()[i] + " (bound " + TOLERANCE * magnitude.data()[i] + ")");
            }
            assertArrayEquals(one.data(), two.data(), what + ": two threads");
        }
    }

    private static float[] abs(float[] a) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] = Math.abs(r[i]);
        return r;
    }

    private static Tensor abs(Tensor t) {
        return new Tensor(t.shape(), abs(t.data()));
    }

    @Test
    void mapsUnderSixPixelsASideRunAsIm2colAndGemm() {
        SplittableRandom rnd = new SplittableRandom(5);
        ConvSpec spec = ConvSpec.conv(40, 12, 3, 1, Padding.explicit(1, 1));
        float[] weights = Reference.random(rnd, spec.weightCount(), 1), bias = Reference.random(rnd, 12, 1);
        for (int side : new int[] {1, 2, 3, 5}) {
            Tensor in = Reference.random(rnd, Shape.of(1, 40, side, 9));
            Tensor direct = Reference.run(new Conv2d("direct", spec, weights, bias, Activation.RELU), in, ComputePool.single());
            Tensor got = Reference.run(new WinogradConv2d("wino", spec, weights, bias, Activation.RELU), in, ComputePool.single());
            assertArrayEquals(direct.data(), got.data(), "height " + side);
        }
    }

    @Test
    void changedWeightsTakeEffectAfterWeightsChanged() {
        SplittableRandom rnd = new SplittableRandom(11);
        ConvSpec spec = ConvSpec.conv(40, 32, 3, 1, Padding.SAME);
        float[] weights = Reference.random(rnd, spec.weightCount(), 1), bias = Reference.random(rnd, 32, 1);
        Tensor in = Reference.random(rnd, Shape.of(1, 40, 12, 12));
        Tensor small = Reference.random(rnd, Shape.of(1, 40, 5, 5)); // under 6 pixels a side: the small-map product
        WinogradConv2d layer = new WinogradConv2d("wino", spec, weights, bias, Activation.NONE);
        Tensor before = Reference.run(layer, in, ComputePool.single());
        Tensor smallBefore = Reference.run(layer, small, ComputePool.single());
        for (int i = 0; i < weights.length; i++) weights[i] *= -2; // as an optimiser step does: in place
        layer.weightsChanged();
        Tensor after = Reference.run(layer, in, ComputePool.single());
        Reference.assertClose(Reference.conv(in, spec, weights, bias, Activation.NONE), after, 1e-5, "after weightsChanged");
        assertTrue(Math.abs(before.data()[0] - after.data()[0]) > 1e-3, "the output moved");
        Tensor smallAfter = Reference.run(layer, small, ComputePool.single());
        Reference.assertClose(Reference.conv(small, spec, weights, bias, Activation.NONE), smallAfter, 1e-5, "small map");
        assertTrue(Math.abs(smallBefore.data()[0] - smallAfter.data()[0]) > 1e-3, "the small map's output moved");
    }

    @Test
    void siblingHeadsOnOneMapShareTheInputTilesAndGiveWhatEachGivesAlone() {
        // pytorch-ssd's classification and regression headers: two 3x3/1 convolutions on one feature map, one after
        // the other; the second takes the input tiles the first left in scratch
        SplittableRandom rnd = new SplittableRandom(17);
        ConvSpec base = ConvSpec.conv(3, 48, 3, 1, Padding.SAME), cls = ConvSpec.conv(48, 21, 3, 1, Padding.explicit(1, 1));
        ConvSpec box = ConvSpec.conv(48, 8, 3, 1, Padding.explicit(1, 1)), other = ConvSpec.conv(48, 8, 3, 1, Padding.VALID);
        Convolution feature = Convolution.of("feature", base, Reference.random(rnd, base.weightCount(), 1), null, Activation.RELU);
        WinogradConv2d c = new WinogradConv2d("cls", cls, Reference.random(rnd, cls.weightCount(), 1),
                Reference.random(rnd, 21, 1), Activation.NONE);
        WinogradConv2d b = new WinogradConv2d("box", box, Reference.random(rnd, box.weightCount(), 1),
                Reference.random(rnd, 8, 1), Activation.NONE);
        WinogradConv2d v = new WinogradConv2d("valid", other, Reference.random(rnd, other.weightCount(), 1), null,
                Activation.RELU);
        Network net = Network.builder().add(feature).add(c, "feature").add(b, "feature").add(v, "feature").build();
        Shape shape = Shape.of(1, 3, 19, 19);
        assertTrue(b.sharesInputTilesWith(c, Shape.of(1, 48, 19, 19)), "same map, channels and padding");
        assertTrue(!v.sharesInputTilesWith(b, Shape.of(1, 48, 19, 19)), "other padding: other tiles");
        assertTrue(!b.sharesInputTilesWith(c, Shape.of(2, 48, 19, 19)), "two images: V holds only the last");
        assertTrue(!b.sharesInputTilesWith(c, Shape.of(1, 48, 5, 5)), "small maps run as im2col + GEMM");
        assertThrows(IllegalArgumentException.class, () -> v.bindAfter(b, new Tensor(Shape.of(1, 48, 19, 19)),
                new Tensor(Shape.of(1, 8, 17, 17)), new float[1 << 20]));
        Tensor in = Reference.random(rnd, shape);
        for (ComputePool pool : List.of(ComputePool.single(), TWO)) {
            Workspace ws = net.newWorkspace(shape, pool);
            System.arraycopy(in.data(), 0, ws.input().data(), 0, in.data().length);
            ws.forward();
            Tensor map = ws.output("feature");
            for (WinogradConv2d head : List.of(c, b, v)) {
                assertArrayEquals(Reference.run(head, map, pool).data(), ws.output(head.name()).data(),
                        head.name() + " in the network, threads=" + pool.threads());
            }
        }
    }

    @Test
    void aTrainingGraphRefreshesTheTransformedWeightsAfterAStep() {
        // an optimiser writes the parameters' arrays (the layer's weights) in place; the trainer then calls
        // TrainingGraph.weightsChanged(), and a detector bound before the step sees the new weights
        SplittableRandom rnd = new SplittableRandom(23);
        ConvSpec spec = ConvSpec.conv(32, 6, 3, 1, Padding.SAME);
        float[] weights = Reference.random(rnd, spec.weightCount(), 1), bias = Reference.random(rnd, 6, 1);
        Convolution head = Convolution.of("head", spec, weights, bias, Activation.NONE);
        assertInstanceOf(WinogradConv2d.class, head);
        Network net = Network.builder().add(head).build();
        Shape shape = Shape.of(1, 32, 9, 9);
        Workspace ws = net.newWorkspace(shape, ComputePool.single());
        Tensor in = Reference.random(rnd, shape);
        System.arraycopy(in.data(), 0, ws.input().data(), 0, in.data().length);
        io.mssd.core.train.TrainingGraph graph = new io.mssd.core.train.TrainingGraph(net, shape, (layer, kind) -> layer + "/" + kind);
        for (io.mssd.core.train.Parameter p : graph.parameters()) {
            if (p.name().endsWith("weights")) for (int i = 0; i < p.size(); i++) p.values()[i] += 0.5f;
        }
        graph.weightsChanged();
        ws.forward();
        Reference.assertClose(Reference.conv(in, spec, weights, bias, Activation.NONE), ws.lastOutput(), 1e-5, "after the step");
    }

    @Test
    void factoryPicksWinogradForFloatAndNeverForExactSums() {
        float[] w = new float[64 * 8 * 9];
        ConvSpec wide = ConvSpec.conv(64, 8, 3, 1, Padding.SAME);
        assertInstanceOf(WinogradConv2d.class, Convolution.of("a", wide, w, null, Activation.NONE));
        assertInstanceOf(Conv2d.class, Convolution.exact("a", wide, w, null, Activation.NONE));
        assertInstanceOf(Conv2d.class, Convolution.of("b", ConvSpec.conv(8, 8, 3, 1, Padding.SAME), new float[8 * 8 * 9], null,
                Activation.NONE)); // few input channels: the transforms cost more than they save
        assertInstanceOf(Conv2d.class, Convolution.of("c", ConvSpec.conv(64, 8, 3, 2, Padding.SAME), w, null, Activation.NONE));
        assertThrows(IllegalArgumentException.class, () -> new WinogradConv2d("d", ConvSpec.conv(64, 8, 3, 2, Padding.SAME), w,
                null, Activation.NONE, ScalarGemmKernel.INSTANCE));
    }

    @Test
    void integerValuedDataSumsExactlyOnlyInInputOrder() {
        // why quantised models take Convolution.exact: Winograd's fractions (1/6, 1/24) leave integer sums inexact
        SplittableRandom rnd = new SplittableRandom(3);
        ConvSpec spec = ConvSpec.conv(64, 8, 3, 1, Padding.SAME);
        float[] w = new float[spec.weightCount()];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextInt(-128, 128);
        Tensor in = new Tensor(Shape.of(1, 64, 10, 10));
        for (int i = 0; i < in.data().length; i++) in.data()[i] = rnd.nextInt(-128, 128);
        Tensor expected = Reference.conv(in, spec, w, null, Activation.NONE);
        Tensor exact = Reference.run(Convolution.exact("e", spec, w, null, Activation.NONE), in, ComputePool.single());
        assertArrayEquals(expected.data(), exact.data());
        List<Float> differ = new ArrayList<>();
        Tensor wino = Reference.run(Convolution.of("w", spec, w, null, Activation.NONE), in, ComputePool.single());
        for (int i = 0; i < expected.data().length; i++) if (expected.data()[i] != wino.data()[i]) differ.add(wino.data()[i]);
        assertTrue(!differ.isEmpty(), "Winograd happened to sum these integers exactly: the test shows nothing");
    }
}
