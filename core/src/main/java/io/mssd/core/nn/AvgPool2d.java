package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Average pooling, k x k with a stride and no padding, or global (the whole plane to 1x1). */
public final class AvgPool2d extends ParameterFreeLayer {
    private final int k, stride;
    private final boolean global;

    private AvgPool2d(String name, int k, int stride, boolean global) {
        super(name);
        if (!global && (k <= 0 || stride <= 0)) throw new IllegalArgumentException("layer " + name + ": kernel and stride must be > 0");
        this.k = k;
        this.stride = stride;
        this.global = global;
    }

    public static AvgPool2d global(String name) {
        return new AvgPool2d(name, 0, 1, true);
    }

    public static AvgPool2d of(String name, int k, int stride) {
        return new AvgPool2d(name, k, stride, false);
    }

    @Override
    public String type() {
        return global ? "avgpool global" : "avgpool " + k + "x" + k + "/" + stride;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (global) return Shape.of(in.n(), in.c(), 1, 1);
        if (in.h() < k || in.w() < k) throw Layer.shapeError(this, "at least " + k + "x" + k + " pixels", in);
        return Shape.of(in.n(), in.c(), (in.h() - k) / stride + 1, (in.w() - k) / stride + 1);
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        Shape s = in.shape(), o = out.shape();
        int kh = global ? s.h() : k, kw = global ? s.w() : k, st = global ? 1 : stride;
        float inv = 1f / (kh * kw);
        io.mssd.core.kernels.ComputePool.RangeTask task = (c0, c1, worker) -> {
            float[] x = in.data(), y = out.data();
            for (int c = c0; c < c1; c++) {
                int ip = c * s.plane(), op = c * o.plane();
                for (int oy = 0; oy < o.h(); oy++) {
                    for (int ox = 0; ox < o.w(); ox++) {
                        float sum = 0;
                        for (int ky = 0; ky < kh; ky++) {
                            int r = ip + (oy * st + ky) * s.w() + ox * st;
                            for (int kx = 0; kx < kw; kx++) sum += x[r + kx];
                        }
                        y[op + oy * o.w() + ox] = sum * inv;
                    }
                }
            }
        };
        return pool -> pool.parallelFor(s.n() * s.c(), 8, task);
    }
}
