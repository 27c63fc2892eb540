package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AllocationTest {

    @Test
    void warmForwardPassAllocatesNothing() {
        SplittableRandom rnd = new SplittableRandom(5);
        Network net = Network.builder()
                .add(Convolution.of("c0", ConvSpec.conv(3, 16, 3, 2, Padding.SAME), Reference.random(rnd, 432, 0.3), Reference.random(rnd, 16, 0.1), Activation.RELU6))
                .add(Convolution.of("dw", ConvSpec.depthwise(16, 3, 1, Padding.SAME), Reference.random(rnd, 144, 0.3), Reference.random(rnd, 16, 0.1), Activation.RELU6))
                .add(Convolution.of("dw2", ConvSpec.depthwise(16, 3, 2, Padding.SAME), Reference.random(rnd, 144, 0.3), Reference.random(rnd, 16, 0.1), Activation.RELU6))
                .add(Convolution.of("pw", ConvSpec.pointwise(16, 32), Reference.random(rnd, 512, 0.3), Reference.random(rnd, 32, 0.1), Activation.RELU))
                // Winograd (3x3/1 on 32 channels, 16x12), then two sibling heads sharing its input tiles
                .add(Convolution.of("wino", ConvSpec.conv(32, 32, 3, 1, Padding.SAME), Reference.random(rnd, 9216, 0.1), Reference.random(rnd, 32, 0.1), Activation.RELU))
                .add(Convolution.of("head1", ConvSpec.conv(32, 8, 3, 1, Padding.SAME), Reference.random(rnd, 2304, 0.1), null, Activation.NONE), "wino")
                .add(Convolution.of("head2", ConvSpec.conv(32, 32, 3, 1, Padding.SAME), Reference.random(rnd, 9216, 0.1), null, Activation.RELU), "wino")
                // down to maps of 48, 12 and 4 pixels: the transposed small-map product, the GEMM's one-strip and
                // dot-product paths
                .add(Convolution.of("s1", ConvSpec.conv(32, 16, 3, 2, Padding.SAME), Reference.random(rnd, 4608, 0.1), null, Activation.RELU))
                .add(Convolution.of("small", ConvSpec.conv(16, 32, 3, 1, Padding.SAME), Reference.random(rnd, 4608, 0.1), null, Activation.RELU))
                .add(Convolution.of("back", ConvSpec.pointwise(32, 16), Reference.random(rnd, 512, 0.3), null, Activation.RELU))
                .add(Convolution.of("s2", ConvSpec.conv(16, 16, 3, 2, Padding.SAME), Reference.random(rnd, 2304, 0.1), null, Activation.RELU))
                .add(Convolution.of("p2", ConvSpec.pointwise(16, 16), Reference.random(rnd, 256, 0.3), null, Activation.RELU))
                .add(Convolution.of("s3", ConvSpec.conv(16, 16, 3, 2, Padding.SAME), Reference.random(rnd, 2304, 0.1), null, Activation.RELU))
                .add(AvgPool2d.global("gap"))
                .add(new Dense("fc", 16, 10, Reference.random(rnd, 160, 0.3), Reference.random(rnd, 10, 0.1)))
                .add(new Softmax("sm"))
                .build();
        assertWarmPassesAllocateNothing(net, Shape.of(1, 3, 64, 48));
    }

    @Test
    void wideStrideTwoDepthwiseAllocatesNothing() {
        // 20 outputs a row: the depthwise kernel's split rows (maps of 16+ outputs a row), then the stride-1 row pairs
        SplittableRandom rnd = new SplittableRandom(6);
        Network net = Network.builder()
                .add(Convolution.of("dw2", ConvSpec.depthwise(16, 3, 2, Padding.explicit(1, 1)), Reference.random(rnd, 144, 0.3), Reference.random(rnd, 16, 0.1), Activation.RELU))
                .add(Convolution.of("dw", ConvSpec.depthwise(16, 3, 1, Padding.SAME), Reference.random(rnd, 144, 0.3), null, Activation.NONE))
                .build();
        assertWarmPassesAllocateNothing(net, Shape.of(1, 16, 40, 40));
    }

    private static void assertWarmPassesAllocateNothing(Network net, Shape input) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ComputePool pool = new ComputePool(2)) {
            Workspace ws = net.newWorkspace(input, pool);
            for (int i = 0; i < 3000; i++) ws.forward(); // let C2 compile (and scalar-replace) everything
            long tid = Thread.currentThread().getId();
            // C2 may compile a rarely called path (the one-strip GEMM runs once a pass) after the warm-up, or late when
            // this JVM's compile queue is long on a slow machine (one run here: ten windows of 6 MB each, then no
            // reproduction in four): until it does, that path's vectors are objects. Compiled code that allocates does
            // so in every window; so the claim is that some window of 50 passes, within a hundred, allocates nothing
            StringBuilder windows = new StringBuilder();
            long allocated = -1;
            for (int w = 0; w < 100 && allocated != 0; w++) {
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 50; i++) ws.forward();
                allocated = mx.getThreadAllocatedBytes(tid) - before;
                windows.append(' ').append(allocated);
            }
            assertEquals(0, allocated, "bytes allocated by windows of 50 warm forward passes on the calling thread:" + windows);
        }
    }
}
