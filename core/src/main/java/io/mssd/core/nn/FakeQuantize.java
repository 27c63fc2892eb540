package io.mssd.core.nn;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * Snaps every value to an 8-bit affine grid, y = (clamp(round(x / scale) + zeroPoint, 0, 255) -
 * zeroPoint) * scale: the float path then holds the values a uint8 model's tensor can hold.
 */
public final class FakeQuantize implements Layer {
    private final String name;
    private final float scale, invScale;
    private final int zeroPoint;

    public FakeQuantize(String name, float scale, int zeroPoint) {
        if (!(scale > 0)) throw new IllegalArgumentException("layer " + name + ": quantisation scale must be > 0, got " + scale);
        this.name = name;
        this.scale = scale;
        this.invScale = 1 / scale;
        this.zeroPoint = zeroPoint;
    }

    public static float apply(float x, float scale, int zeroPoint) {
        float q = Math.round(x / scale) + zeroPoint;
        q = Math.max(0, Math.min(255, q));
        return (q - zeroPoint) * scale;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "fakequant u8";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public long params() {
        return 0;
    }

    @Override
    public long multAdds(Shape in) {
        return 0;
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        float[] x = in.data(), y = out.data();
        ComputePool.RangeTask task = (from, to, worker) -> {
            for (int i = from; i < to; i++) {
                float q = Math.round(x[i] / scale) + zeroPoint;
                q = Math.max(0, Math.min(255, q));
                y[i] = (q - zeroPoint) * scale;
            }
        };
        return pool -> pool.parallelFor(x.length, 4096, task);
    }
}
