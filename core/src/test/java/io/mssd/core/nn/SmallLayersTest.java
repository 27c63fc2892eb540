package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmallLayersTest {
    final SplittableRandom rnd = new SplittableRandom(3);

    @Test
    void denseEqualsDotProducts() {
        Tensor in = Reference.random(rnd, Shape.of(2, 5, 3, 2));
        float[] w = Reference.random(rnd, 7 * 30, 1), b = Reference.random(rnd, 7, 1);
        Tensor got = Reference.run(new Dense("fc", 30, 7, w, b), in, ComputePool.single());
        Tensor exp = Tensor.of(2, 7, 1, 1);
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 7; o++) {
                double s = b[o];
                for (int i = 0; i < 30; i++) s += w[o * 30 + i] * in.data()[n * 30 + i];
                exp.set(n, o, 0, 0, (float) s);
            }
        Reference.assertClose(exp, got, 1e-5, "dense");
    }

    @Test
    void averagePooling() {
        Tensor in = Reference.random(rnd, Shape.of(1, 3, 7, 9));
        Tensor global = Reference.run(AvgPool2d.global("gap"), in, ComputePool.single());
        Tensor pooled = Reference.run(AvgPool2d.of("p", 3, 2), in, ComputePool.single());
        assertEquals(Shape.of(1, 3, 3, 4), pooled.shape());
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int y = 0; y < 7; y++) for (int x = 0; x < 9; x++) s += in.get(0, c, y, x);
            assertEquals(s / 63, global.get(0, c, 0, 0), 1e-5);
            for (int oy = 0; oy < 3; oy++)
                for (int ox = 0; ox < 4; ox++) {
                    double p = 0;
                    for (int ky = 0; ky < 3; ky++) for (int kx = 0; kx < 3; kx++) p += in.get(0, c, oy * 2 + ky, ox * 2 + kx);
                    assertEquals(p / 9, pooled.get(0, c, oy, ox), 1e-5);
                }
        }
    }

    @Test
    void softmaxSigmoidAndActivations() {
        Tensor in = Reference.random(rnd, Shape.of(1, 4, 2, 3));
        for (int i = 0; i < in.data().length; i++) in.data()[i] *= 10;
        Tensor sm = Reference.run(new Softmax("sm"), in, ComputePool.single());
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++) {
                double z = 0;
                for (int c = 0; c < 4; c++) z += Math.exp(in.get(0, c, y, x));
                for (int c = 0; c < 4; c++) assertEquals(Math.exp(in.get(0, c, y, x)) / z, sm.get(0, c, y, x), 1e-6);
            }
        Tensor sg = Reference.run(new Sigmoid("sg"), in, ComputePool.single());
        Tensor r6 = Reference.run(new ActivationLayer("r6", Activation.RELU6), in, ComputePool.single());
        Tensor r = Reference.run(new ActivationLayer("r", Activation.RELU), in, ComputePool.single());
        for (int i = 0; i < in.data().length; i++) {
            float v = in.data()[i];
            assertEquals(1 / (1 + Math.exp(-v)), sg.data()[i], 1e-6);
            assertEquals(Math.min(6, Math.max(0, v)), r6.data()[i], 0);
            assertEquals(Math.max(0, v), r.data()[i], 0);
        }
    }
}
