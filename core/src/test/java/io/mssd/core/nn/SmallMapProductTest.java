package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.VectorGemmKernel;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutions on small maps (SmallMapProduct: the GEMM transposed) give, bit for bit, what the usual GEMM
 * gives: each output its bias, then one FMA per input value in input order (channel, kernel row, kernel column),
 * then the clamp as the vector tiles do it.
 */
class SmallMapProductTest {
    static final ComputePool TWO = new ComputePool(2);

    @AfterAll
    static void close() {
        TWO.close();
    }

    @Test
    void everySmallMapIsTheInOrderFmaChain() {
        SplittableRandom rnd = new SplittableRandom(31);
        int cases = 0;
        // pointwise (k = cin), 3x3 stride 1 and 2 (im2col), 2x2: output maps from 8 to 128 pixels and just past,
        // output channels around the 2-vector strips, k across GEMM k-blocks of 512 (3x3 over 300 channels: 2,700)
        int[][] convs = {{1, 1}, {3, 1}, {3, 2}, {2, 2}};
        int[] couts = {1, 12, 16, 17, 24, 63, 126};
        int[][] maps = {{1, 8}, {3, 3}, {5, 5}, {10, 10}, {8, 16}, {11, 12}, {12, 11}, {19, 19}};
        int lanes = VectorGemmKernel.stripWidth() / 2, skipped = 0;
        for (int[] kernel : convs) {
            for (int cout : couts) {
                for (int[] map : maps) {
                    if (map[0] * map[1] < lanes) { // under one vector of pixels: dot products, in another order
                        skipped++;
                        continue;
                    }
                    int cin = new int[] {3, 16, 40, 300}[rnd.nextInt(4)];
                    Padding pad = kernel[0] == 1 ? Padding.VALID : (rnd.nextBoolean() ? Padding.SAME : Padding.explicit(1, 1));
                    int h = map[0] * kernel[1], w = map[1] * kernel[1];
                    check(rnd, new ConvSpec(cin, cout, kernel[0], kernel[0], kernel[1], 1, pad), Shape.of(1 + rnd.nextInt(2), cin, h, w));
                    cases++;
                }
            }
        }
        assertEquals(convs.length * couts.length * maps.length, cases + skipped);
        assertTrue(cases >= convs.length * couts.length * 6, cases + " cases");
    }

    private static void check(SplittableRandom rnd, ConvSpec spec, Shape in) {
        float[] weights = Reference.random(rnd, spec.weightCount(), 1);
        float[] bias = rnd.nextBoolean() ? Reference.random(rnd, spec.cout(), 1) : null;
        Tensor x = Reference.random(rnd, in);
        for (int i = 0; i < x.data().length; i += 7) x.data()[i] = 0f; // zeros: -0.0 products meet the clamp
        for (Activation act : Activation.values()) {
            Convolution layer = Convolution.exact("c", spec, weights, bias, act);
            Tensor expected = inOrder(x, spec, weights, bias, act);
            for (ComputePool pool : List.of(ComputePool.single(), TWO)) {
                float[] got = Reference.run(layer, x, pool).data();
                for (int i = 0; i < got.length; i++) {
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(expected.data()[i])) {
                        throw new AssertionError(spec + " on " + in + " " + act + " threads=" + pool.threads() + ": value " + i
                                + " is " + got[i] + ", the in-order FMA chain gives " + expected.data()[i]);
                    }
                }
            }
        }
    }

    /** bias, then fma(input, weight) over (channel, kernel row, kernel column) in order, padding as 0; clamp v <= lo -> lo. */
    private static Tensor inOrder(Tensor in, ConvSpec spec, float[] w, float[] bias, Activation act) {
        Shape s = in.shape();
        Padding p = spec.padding();
        int oh = p.outSize(s.h(), spec.kh(), spec.stride(), true), ow = p.outSize(s.w(), spec.kw(), spec.stride(), false);
        int pt = p.before(s.h(), spec.kh(), spec.stride(), true), pl = p.before(s.w(), spec.kw(), spec.stride(), false);
        Tensor out = Tensor.of(s.n(), spec.cout(), oh, ow);
        for (int n = 0; n < s.n(); n++)
            for (int o = 0; o < spec.cout(); o++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++) {
                        float acc = bias == null ? 0f : bias[o];
                        for (int c = 0; c < spec.cin(); c++)
                            for (int ky = 0; ky < spec.kh(); ky++)
                                for (int kx = 0; kx < spec.kw(); kx++) {
                                    int iy = y * spec.stride() + ky - pt, ix = x * spec.stride() + kx - pl;
                                    float v = iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w() ? 0f : in.get(n, c, iy, ix);
                                    acc = Math.fma(v, w[((o * spec.cin() + c) * spec.kh() + ky) * spec.kw() + kx], acc);
                                }
                        out.set(n, o, y, x, acc <= act.lo ? act.lo : (acc >= act.hi ? act.hi : acc));
                    }
        return out;
    }

    @Test
    void changedWeightsTakeEffectAfterWeightsChanged() {
        // the packed copies of the weights (the transposed product's on 5x5 maps, the GEMM's packed A on 10x10)
        // follow an optimiser's in-place step once told (Trainer does)
        SplittableRandom rnd = new SplittableRandom(37);
        for (int[] map : new int[][] {{1, 5}, {2, 5}, {1, 10}}) {
            ConvSpec spec = map[0] == 1 ? ConvSpec.pointwise(24, 40) : ConvSpec.conv(24, 40, 3, 2, Padding.SAME);
            float[] w = Reference.random(rnd, spec.weightCount(), 1), b = Reference.random(rnd, 40, 1);
            Convolution layer = Convolution.of("c", spec, w, b, Activation.NONE);
            Tensor x = Reference.random(rnd, Shape.of(1, 24, map[1] * spec.stride(), map[1] * spec.stride()));
            Tensor before = Reference.run(layer, x, ComputePool.single());
            for (int i = 0; i < w.length; i++) w[i] = 0.5f - w[i];
            layer.weightsChanged();
            Tensor after = Reference.run(layer, x, ComputePool.single());
            assertEquals(Reference.conv(x, spec, w, b, Activation.NONE).data().length, after.data().length);
            Reference.assertClose(Reference.conv(x, spec, w, b, Activation.NONE), after, 1e-5, spec + " after the change");
            assertTrue(Math.abs(before.data()[0] - after.data()[0]) > 1e-3, "the output moved");
        }
    }

    @Test
    void smallMapsTakeTheTransposedProductAndLargeOnesDoNot() {
        int lanes = VectorGemmKernel.stripWidth() / 2;
        assertTrue(SmallMapProduct.fits(25) && SmallMapProduct.fits(SmallMapProduct.MAX_PIXELS) && !SmallMapProduct.fits(100), "5x5 maps, not 10x10");
        assertEquals(9 >= lanes, SmallMapProduct.fits(9), "3x3 maps, from one vector of pixels");
        assertTrue(!SmallMapProduct.fits(361) && !SmallMapProduct.fits(SmallMapProduct.MAX_PIXELS + 1), "19x19 maps");
        assertTrue(!SmallMapProduct.fits(1) && !SmallMapProduct.fits(4), "1x1 and 2x2 maps: dot products");
        assertTrue(SmallMapProduct.fits(25, 126) && !SmallMapProduct.fits(25, 24), "few output channels: the usual way");
    }
}
