package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain, obviously-correct nested-loop implementations that the engine's kernels are checked against. */
public final class Reference {
    private Reference() {}

    /** Direct convolution, accumulated in double; padding from the spec's before() / outSize(). */
    public static Tensor conv(Tensor in, ConvSpec spec, float[] w, float[] bias, Activation act) {
        Shape s = in.shape();
        Padding p = spec.padding();
        int oh = p.outSize(s.h(), spec.kh(), spec.stride(), true), ow = p.outSize(s.w(), spec.kw(), spec.stride(), false);
        int pt = p.before(s.h(), spec.kh(), spec.stride(), true), pl = p.before(s.w(), spec.kw(), spec.stride(), false);
        int g = spec.groups(), cinG = spec.cin() / g, coutG = spec.cout() / g;
        Tensor out = Tensor.of(s.n(), spec.cout(), oh, ow);
        for (int n = 0; n < s.n(); n++)
            for (int o = 0; o < spec.cout(); o++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++) {
                        double sum = bias == null ? 0 : bias[o];
                        int group = o / coutG;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int ky = 0; ky < spec.kh(); ky++)
                                for (int kx = 0; kx < spec.kw(); kx++) {
                                    int iy = y * spec.stride() + ky - pt, ix = x * spec.stride() + kx - pl;
                                    if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                                    float wv = w[((o * cinG + ci) * spec.kh() + ky) * spec.kw() + kx];
                                    sum += wv * in.get(n, group * cinG + ci, iy, ix);
                                }
                        out.set(n, o, y, x, act.apply((float) sum));
                    }
        return out;
    }

    public static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble(-1, 1) * scale);
        return a;
    }

    public static Tensor random(SplittableRandom rnd, Shape shape) {
        return new Tensor(shape, random(rnd, shape.size(), 1));
    }

    /** Runs one layer through a workspace (the way networks run it). */
    public static Tensor run(Layer layer, Tensor in, io.mssd.core.kernels.ComputePool pool) {
        Network net = Network.builder().add(layer).build();
        Workspace ws = net.newWorkspace(in.shape(), pool);
        System.arraycopy(in.data(), 0, ws.input().data(), 0, in.data().length);
        ws.forward();
        return ws.lastOutput();
    }

    /** max |a - b| <= tol * max(1, max |expected|). */
    public static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = 1, err = 0;
        float[] e = expected.data(), a = actual.data();
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            err = Math.max(err, Math.abs(e[i] - a[i]));
        }
        assertTrue(err <= tol * scale, what + ": max abs error " + err + " > " + tol + " * scale " + scale);
    }
}
