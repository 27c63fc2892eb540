package io.mssd.core.io.onnx;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operators of pytorch-ssd exports in their attribute forms (opset 9 / 11) and input forms
 * (opset 13 / 17) on a small graph built here, against the same computation written out in loops.
 */
class OnnxOperatorFormsTest {
    static final long INT64_MAX = Long.MAX_VALUE;
    final Random rnd = new Random(5);
    final float[] x = rand(18), w = rand(72), b = rand(4), k = {0.5f, -1f, 2f, 1.5f};
    final float[] bnScale = {1.5f, 0.5f}, bnBias = {0.1f, -0.2f}, bnMean = {0.3f, -0.1f}, bnVar = {0.8f, 1.7f};

    float[] rand(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    /** y = exp(softmax(concat(a[:, :-1], b[:, 1:]), axis 2) * k - 0.5) where a, b = split(reshape(nhwc(relu6(conv(x))))). */
    byte[] graph(int opset) {
        OnnxWriter g = new OnnxWriter(opset).input("x", 1, 2, 3, 3).output("y").output("z")
                .floats("W", w, 4, 2, 3, 3).floats("B", b, 4).floats("k", k, 4).floats("half", new float[] {0.5f})
                .floats("s", bnScale, 2).floats("bb", bnBias, 2).floats("m", bnMean, 2).floats("v", bnVar, 2)
                .longs("shape", 1, -1, 4);
        g.node("Conv", "x,W,B", "c", "pads", new long[] {1, 1, 1, 1}, "kernel_shape", new long[] {3, 3}, "strides", new long[] {1, 1});
        if (opset < 11) g.node("Clip", "c", "r", "min", 0f, "max", 6f);
        else g.floats("lo", new float[] {0f}).floats("hi", new float[] {6f}).node("Clip", "c,lo,hi", "r");
        g.node("Transpose", "r", "t", "perm", new long[] {0, 2, 3, 1});
        g.node("Reshape", "t,shape", "q");
        if (opset < 13) g.node("Split", new String[] {"q"}, new String[] {"a", "bs"}, "axis", 2L, "split", new long[] {2, 2});
        else g.longs("parts", 2, 2).node("Split", new String[] {"q", "parts"}, new String[] {"a", "bs"}, "axis", 2L);
        if (opset < 10) {
            g.node("Slice", "a", "a2", "axes", new long[] {1}, "starts", new long[] {0}, "ends", new long[] {-1});
            g.node("Slice", "bs", "b2", "axes", new long[] {1}, "starts", new long[] {1}, "ends", new long[] {INT64_MAX});
        } else {
            g.longs("s0", 0).longs("e0", -1).longs("s1", 1).longs("e1", INT64_MAX).longs("ax", 1).longs("st", 1);
            g.node("Slice", "a,s0,e0,ax", "a2");
            g.node("Slice", "bs,s1,e1,ax,st", "b2");
        }
        g.node("Concat", "a2,b2", "cat", "axis", 2L);
        if (opset < 13) {
            g.node("Unsqueeze", "cat", "u", "axes", new long[] {0});
            g.node("Squeeze", "u", "sq", "axes", new long[] {0});
        } else {
            g.longs("zero", 0).node("Unsqueeze", "cat,zero", "u").node("Squeeze", "u,zero", "sq");
        }
        g.node("Softmax", "sq", "sm", "axis", 2L);
        g.node("Mul", "sm,k", "mk").node("Sub", "mk,half", "ms").node("Exp", "ms", "y");
        // z = batchnorm(relu(x)) + x: a BatchNormalization no convolution absorbs, and a sum of two computed tensors
        g.node("Relu", "x", "rx").node("BatchNormalization", "rx,s,bb,m,v", "bn", "epsilon", 1e-3f).node("Add", "bn,x", "z");
        return g.bytes();
    }

    float[][] expected() {
        float[] c = new float[4 * 9];
        for (int o = 0; o < 4; o++) {
            for (int y = 0; y < 3; y++) {
                for (int xx = 0; xx < 3; xx++) {
                    float s = b[o];
                    for (int i = 0; i < 2; i++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y + ky - 1, ix = xx + kx - 1;
                                if (iy < 0 || iy >= 3 || ix < 0 || ix >= 3) continue;
                                s += w[((o * 2 + i) * 3 + ky) * 3 + kx] * x[(i * 3 + iy) * 3 + ix];
                            }
                        }
                    }
                    c[(o * 3 + y) * 3 + xx] = Math.min(6, Math.max(0, s));
                }
            }
        }
        float[] q = new float[9 * 4]; // NHWC rows of 4
        for (int p = 0; p < 9; p++) for (int o = 0; o < 4; o++) q[p * 4 + o] = c[o * 9 + p];
        float[] y = new float[8 * 4];
        for (int r = 0; r < 8; r++) {
            float[] row = {q[r * 4], q[r * 4 + 1], q[(r + 1) * 4 + 2], q[(r + 1) * 4 + 3]};
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : row) max = Math.max(max, v);
            for (float v : row) sum += Math.exp(v - max);
            for (int j = 0; j < 4; j++) y[r * 4 + j] = (float) Math.exp(Math.exp(row[j] - max) / sum * k[j] - 0.5);
        }
        float[] z = new float[18];
        for (int ch = 0; ch < 2; ch++) {
            for (int p = 0; p < 9; p++) {
                float v = Math.max(0, x[ch * 9 + p]);
                z[ch * 9 + p] = (float) ((v - bnMean[ch]) / Math.sqrt(bnVar[ch] + 1e-3) * bnScale[ch] + bnBias[ch]) + x[ch * 9 + p];
            }
        }
        return new float[][] {y, z};
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 11, 13, 17})
    void attributeAndInputFormsComputeTheSame(int opset) {
        OnnxNetworkImporter.Result r = OnnxNetworkImporter.compile(OnnxModel.parse(graph(opset), "forms-" + opset + ".onnx"));
        assertArrayEquals(new int[] {1, 8, 4}, r.outputs().get("y").dims());
        assertArrayEquals(new int[] {1, 2, 3, 3}, r.outputs().get("z").dims());
        String y = r.outputs().get("y").layer(), z = r.outputs().get("z").layer();
        Workspace ws = r.network().newWorkspace(r.inputShape(), ComputePool.single(), Set.of(y, z));
        System.arraycopy(x, 0, ws.input().data(), 0, x.length);
        ws.forward();
        float[][] want = expected();
        assertArrayEquals(want[0], java.util.Arrays.copyOf(ws.output(y).data(), 32), 1e-5f, "y at opset " + opset);
        assertArrayEquals(want[1], java.util.Arrays.copyOf(ws.output(z).data(), 18), 1e-5f, "z at opset " + opset);
        // the Clip(0, 6) went into the convolution; shape arithmetic and constants left no layers behind
        assertTrue(r.network().nodes().get(0).layer().type().endsWith("+relu6"), r.network().nodes().get(0).layer().type());
    }

    @Test
    void negativeStepsGatherAndShapeArithmeticFoldAtLoad() {
        // y = x reversed along W, reshaped with a shape computed from Shape -> Gather -> Unsqueeze -> Concat
        OnnxWriter g = new OnnxWriter(13).input("x", 1, 2, 3, 3).output("y")
                .longs("s", -1).longs("e", Long.MIN_VALUE).longs("ax", 3).longs("st", -1).raw(OnnxWriter.longTensor("i1", new long[] {1})).longs("minus1", -1)
                .longs("zero", 0);
        g.node("Slice", "x,s,e,ax,st", "rev");
        g.node("Shape", "rev", "shp").node("Gather", "shp,i1", "c", "axis", 0L); // scalar 2
        g.node("Unsqueeze", "c,zero", "c1").node("Concat", "c1,minus1", "newshape", "axis", 0L);
        g.node("Reshape", "rev,newshape", "y");
        OnnxNetworkImporter.Result r = OnnxNetworkImporter.compile(g.model());
        assertArrayEquals(new int[] {2, 9}, r.outputs().get("y").dims());
        assertEquals(2, r.network().nodes().size(), "slice and reshape only");
        Workspace ws = r.network().newWorkspace(r.inputShape(), ComputePool.single(), Set.of(r.outputs().get("y").layer()));
        System.arraycopy(x, 0, ws.input().data(), 0, 18);
        ws.forward();
        float[] out = ws.output(r.outputs().get("y").layer()).data();
        for (int ch = 0; ch < 2; ch++) {
            for (int yy = 0; yy < 3; yy++) {
                for (int xx = 0; xx < 3; xx++) assertEquals(x[(ch * 3 + yy) * 3 + (2 - xx)], out[(ch * 3 + yy) * 3 + xx], 0f);
            }
        }
    }
}
