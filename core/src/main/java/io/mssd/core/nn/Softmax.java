package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Softmax over the channel axis at every (n, y, x), max-subtracted for stability. */
public final class Softmax extends ElementwiseLayer {

    public Softmax(String name) {
        super(name);
    }

    /** In-place softmax of a[off], a[off+stride], ... (count values). */
    public static void apply(float[] a, int off, int count, int stride) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) max = Math.max(max, a[off + i * stride]);
        double sum = 0;
        for (int i = 0; i < count; i++) {
            float e = (float) Math.exp(a[off + i * stride] - max);
            a[off + i * stride] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < count; i++) a[off + i * stride] *= inv;
    }

    @Override
    public String type() {
        return "softmax";
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        Shape s = in.shape();
        return pool -> {
            System.arraycopy(in.data(), 0, out.data(), 0, s.size());
            for (int b = 0; b < s.n(); b++) {
                for (int p = 0; p < s.plane(); p++) apply(out.data(), b * s.c() * s.plane() + p, s.c(), s.plane());
            }
        };
    }
}
