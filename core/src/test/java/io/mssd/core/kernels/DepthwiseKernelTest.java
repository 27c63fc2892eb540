package io.mssd.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vector depthwise kernel gives, bit for bit, each output's in-order FMA chain: the bias, then one FMA per tap
 * (kernel row, then column; a zero where the tap falls in the padding), then the activation. Every path the kernel
 * picks (rows, row pairs, stride 2, one long row for small maps, narrow maps) is met by some shape here.
 */
class DepthwiseKernelTest {

    @Test
    void everyShapeIsTheInOrderFmaChain() {
        assumeTrue(VectorSupport.available(), "no jdk.incubator.vector: the vector kernel is not used");
        SplittableRandom rnd = new SplittableRandom(7);
        int[] sizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17, 19, 20, 23, 24, 31, 33, 38, 40, 75};
        int cases = 0;
        for (int stride = 1; stride <= 2; stride++) {
            for (int h : sizes) {
                for (int w : sizes) {
                    // TF's SAME (the odd pixel at the bottom/right), Caffe/ONNX's one pixel all round, no padding
                    for (int pad = 0; pad < 3; pad++) {
                        int oh = outSize(h, stride, pad), ow = outSize(w, stride, pad);
                        if (oh <= 0 || ow <= 0) continue;
                        int padT = padBefore(h, oh, stride, pad), padL = padBefore(w, ow, stride, pad);
                        check(rnd, 1 + rnd.nextInt(3), h, w, stride, padT, padL, oh, ow);
                        cases++;
                    }
                }
            }
        }
        assertTrue(cases > 2500, cases + " cases");
    }

    @Test
    void mobileNetLayersAreTheInOrderFmaChain() {
        assumeTrue(VectorSupport.available(), "no jdk.incubator.vector: the vector kernel is not used");
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] maps = {{150, 1}, {150, 2}, {75, 1}, {75, 2}, {38, 1}, {38, 2}, {19, 1}, {19, 2}, {10, 1}, {5, 2}};
        for (int[] m : maps) {
            for (int pad = 0; pad < 2; pad++) {
                int size = m[0], stride = m[1], out = outSize(size, stride, pad);
                check(rnd, 5, size, size, stride, padBefore(size, out, stride, pad), padBefore(size, out, stride, pad), out, out);
            }
        }
    }

    private static int outSize(int size, int stride, int pad) {
        return switch (pad) {
            case 0 -> (size + stride - 1) / stride;     // SAME
            case 1 -> (size + 2 - 3) / stride + 1;      // explicit 1
            default -> size < 3 ? 0 : (size - 3) / stride + 1; // VALID
        };
    }

    private static int padBefore(int size, int out, int stride, int pad) {
        return switch (pad) {
            case 0 -> Math.max((out - 1) * stride + 3 - size, 0) / 2;
            case 1 -> 1;
            default -> 0;
        };
    }

    private static void check(SplittableRandom rnd, int channels, int h, int w, int stride, int padT, int padL,
                              int oh, int ow) {
        int inOff = rnd.nextInt(5), outOff = rnd.nextInt(5);
        float[] in = new float[inOff + channels * h * w + 3], weights = new float[channels * 9], bias = new float[channels];
        for (int i = 0; i < in.length; i++) in[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < weights.length; i++) weights[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < bias.length; i++) bias[i] = (float) rnd.nextDouble(-1, 1);
        Activation act = Activation.values()[rnd.nextInt(Activation.values().length)];
        boolean withBias = rnd.nextBoolean();
        int c0 = channels > 1 ? 1 : 0; // a range that does not start at channel 0
        float[] got = new float[outOff + channels * oh * ow + 3];
        java.util.Arrays.fill(got, Float.NaN);
        VectorKernels.depthwise().channels(c0, channels, in, inOff, h, w, weights, withBias ? bias : null, 3, 3,
                stride, padT, padL, got, outOff, oh, ow, act);
        String shape = channels + "x" + h + "x" + w + " stride " + stride + " pad " + padT + "," + padL + " -> "
                + oh + "x" + ow + " " + act;
        for (int ch = 0; ch < channels; ch++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = outOff + (ch * oh + oy) * ow + ox;
                    if (ch < c0) {
                        assertTrue(Float.isNaN(got[o]), shape + ": channel " + ch + " outside the range was written");
                        continue;
                    }
                    float s = withBias ? bias[ch] : 0f;
                    for (int ky = 0; ky < 3; ky++) {
                        for (int kx = 0; kx < 3; kx++) {
                            int iy = oy * stride - padT + ky, ix = ox * stride - padL + kx;
                            float v = iy >= 0 && iy < h && ix >= 0 && ix < w ? in[inOff + (ch * h + iy) * w + ix] : 0f;
                            s = Math.fma(v, weights[ch * 9 + ky * 3 + kx], s);
                        }
                    }
                    float expected = act.apply(s);
                    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got[o])) {
                        assertEquals(expected, got[o], 0f, shape + ": channel " + ch + " (" + oy + ", " + ox + ")");
                        // +0 vs -0 from a clamp: the same value
                        assertEquals(0f, expected, shape + ": channel " + ch + " (" + oy + ", " + ox + ") sign");
                    }
                }
            }
        }
        assertTrue(Float.isNaN(got[outOff + channels * oh * ow]), shape + ": wrote past the last channel");
    }
}
