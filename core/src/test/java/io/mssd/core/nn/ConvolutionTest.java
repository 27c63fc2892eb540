package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.DepthwiseKernel;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.ScalarDepthwiseKernel;
import io.mssd.core.kernels.ScalarGemmKernel;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvolutionTest {
    static final ComputePool TWO = new ComputePool(2);

    @AfterAll
    static void close() {
        TWO.close();
    }

    /** cin, cout, kernel, stride, groups, h, w, padding */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(3, 8, 3, 2, 1, 17, 23, Padding.SAME),
                Arguments.of(3, 8, 3, 2, 1, 16, 20, Padding.SAME),
                Arguments.of(5, 7, 3, 1, 1, 13, 9, Padding.SAME),
                Arguments.of(6, 9, 3, 2, 3, 15, 11, Padding.SAME),       // groups in-between
                Arguments.of(8, 8, 5, 2, 2, 19, 21, Padding.explicit(2, 2)),
                Arguments.of(4, 6, 3, 1, 1, 10, 7, Padding.explicit(1, 1)),
                Arguments.of(4, 6, 3, 2, 1, 11, 12, Padding.explicit(1, 1)),
                Arguments.of(4, 6, 2, 2, 1, 9, 9, Padding.VALID),
                Arguments.of(3, 8, 3, 2, 1, 97, 101, Padding.SAME),       // large maps: chunked im2col + GEMM
                Arguments.of(4, 6, 3, 1, 1, 50, 47, Padding.explicit(1, 1)),
                Arguments.of(7, 5, 1, 2, 1, 9, 14, Padding.SAME),         // 1x1 stride 2: general path
                Arguments.of(37, 29, 1, 1, 1, 11, 13, Padding.SAME),      // pointwise
                Arguments.of(70, 45, 1, 1, 1, 19, 31, Padding.VALID),     // pointwise, tails everywhere
                Arguments.of(12, 12, 3, 1, 12, 21, 40, Padding.SAME),     // depthwise
                Arguments.of(12, 12, 3, 2, 12, 21, 40, Padding.SAME),
                Arguments.of(10, 10, 3, 2, 10, 32, 18, Padding.SAME),
                Arguments.of(9, 9, 3, 1, 9, 35, 50, Padding.explicit(1, 1)),
                Arguments.of(9, 9, 5, 1, 9, 20, 37, Padding.explicit(2, 2)),
                Arguments.of(5, 5, 3, 2, 5, 7, 9, Padding.explicit(1, 1)),
                Arguments.of(16, 16, 3, 1, 16, 19, 19, Padding.explicit(1, 1)), // small maps: one long row
                Arguments.of(16, 16, 3, 2, 16, 19, 19, Padding.explicit(1, 1)),
                Arguments.of(8, 8, 3, 1, 8, 10, 7, Padding.SAME),
                Arguments.of(8, 8, 3, 1, 8, 3, 3, Padding.SAME),                // too small for a vector
                Arguments.of(6, 6, 3, 2, 6, 5, 6, Padding.SAME));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void everyImplementationEqualsTheReference(int cin, int cout, int k, int stride, int groups, int h, int w, Padding pad) {
        SplittableRandom rnd = new SplittableRandom(cin * 1000L + h * 31L + w);
        ConvSpec spec = new ConvSpec(cin, cout, k, k, stride, groups, pad);
        float[] weights = Reference.random(rnd, spec.weightCount(), 1);
        float[] bias = Reference.random(rnd, cout, 1);
        Tensor in = Reference.random(rnd, Shape.of(2, cin, h, w));
        for (Activation act : Activation.values()) {
            Tensor expected = Reference.conv(in, spec, weights, bias, act);
            List<Layer> impls = new java.util.ArrayList<>();
            impls.add(Convolution.of("fast", spec, weights, bias, act));
            impls.add(new Conv2d("im2col-vector", spec, weights, bias, act, GemmKernel.fastest()));
            impls.add(new Conv2d("im2col-scalar", spec, weights, bias, act, ScalarGemmKernel.INSTANCE));
            if (spec.isPointwise()) impls.add(new PointwiseConv2d("pw-scalar", spec, weights, bias, act, ScalarGemmKernel.INSTANCE));
            if (spec.isDepthwise()) {
                impls.add(new DepthwiseConv2d("dw-scalar", spec, weights, bias, act, ScalarDepthwiseKernel.INSTANCE));
                impls.add(new DepthwiseConv2d("dw-fast", spec, weights, bias, act, DepthwiseKernel.fastest()));
            }
            for (Layer layer : impls) {
                for (ComputePool pool : List.of(ComputePool.single(), TWO)) {
                    Tensor got = Reference.run(layer, in, pool);
                    Reference.assertClose(expected, got, 1e-4, layer.name() + " " + act + " threads=" + pool.threads()
                            + " " + spec);
                }
            }
        }
    }

    @Test
    void samePaddingPutsTheOddPixelAtBottomRight() {
        // TF 'SAME', 3x3 stride 2 on 8 pixels: out 4, total pad 1, all of it after
        assertEquals(0, Padding.SAME.before(8, 3, 2, true));
        assertEquals(4, Padding.SAME.outSize(8, 3, 2, true));
        // odd input: out 4, total pad 2, 1 before
        assertEquals(1, Padding.SAME.before(7, 3, 2, true));
        assertEquals(4, Padding.SAME.outSize(7, 3, 2, true));
        assertEquals(1, Padding.SAME.before(9, 3, 1, false));
        assertEquals(1, Padding.explicit(1, 1).before(8, 3, 2, true));
        assertEquals(4, Padding.explicit(1, 1).outSize(8, 3, 2, true)); // floor((8+2-3)/2)+1
    }

    @Test
    void batchNormFoldingEqualsConvThenBatchNorm() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (ConvSpec spec : List.of(ConvSpec.conv(5, 6, 3, 2, Padding.SAME), ConvSpec.depthwise(8, 3, 1, Padding.SAME),
                ConvSpec.pointwise(9, 4))) {
            float[] w = Reference.random(rnd, spec.weightCount(), 1), b = Reference.random(rnd, spec.cout(), 1);
            int c = spec.cout();
            float[] gamma = Reference.random(rnd, c, 2), beta = Reference.random(rnd, c, 1), mean = Reference.random(rnd, c, 1);
            float[] var = new float[c];
            for (int i = 0; i < c; i++) var[i] = (float) rnd.nextDouble(0.01, 3);
            BatchNorm bn = new BatchNorm(gamma, beta, mean, var, 1e-3f);
            Tensor in = Reference.random(rnd, Shape.of(1, spec.cin(), 11, 9));
            // unfolded: conv (no activation) then BN then ReLU6, in double
            Tensor conv = Reference.conv(in, spec, w, b, Activation.NONE);
            float[] d = conv.data();
            int plane = conv.shape().plane();
            for (int i = 0; i < d.length; i++) {
                int o = (i / plane) % c;
                double y = (d[i] - mean[o]) / Math.sqrt((double) var[o] + 1e-3f) * gamma[o] + beta[o];
                d[i] = Activation.RELU6.apply((float) y);
            }
            Convolution folded = bn.foldInto(Convolution.of("c", spec, w, b, Activation.RELU6));
            Tensor got = Reference.run(folded, in, ComputePool.single());
            Reference.assertClose(conv, got, 1e-5, "folded " + spec);
        }
    }

    @Test
    void badShapesAreClearErrors() {
        Convolution c = Convolution.of("Conv2d_3", ConvSpec.conv(3, 8, 3, 1, Padding.VALID), new float[216], null, Activation.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.outputShape(Shape.of(1, 4, 8, 8)));
        assertTrue(e.getMessage().contains("Conv2d_3") && e.getMessage().contains("3 channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.outputShape(Shape.of(1, 3, 2, 8)));
        assertTrue(e.getMessage().contains("Conv2d_3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.of("w", ConvSpec.conv(3, 8, 3, 1, Padding.SAME), new float[10], null, Activation.NONE));
        assertTrue(e.getMessage().contains("weights have 10 values"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvSpec(6, 9, 3, 3, 1, 4, Padding.SAME));
        Network net = Network.builder().add(c).add(Convolution.of("next", ConvSpec.pointwise(5, 2), new float[10], null,
                Activation.NONE)).build();
        e = assertThrows(IllegalArgumentException.class, () -> net.shapes(Shape.of(1, 3, 8, 8)));
        assertTrue(e.getMessage().contains("layer next") && e.getMessage().contains("5 channels"), e.getMessage());
    }
}
