package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspaceTest {

    @Test
    void sharedBuffersGiveTheSameOutputsAsKeepingEverything() {
        SplittableRandom rnd = new SplittableRandom(9);
        Network net = Network.builder()
                .add(Convolution.of("c0", ConvSpec.conv(3, 8, 3, 2, Padding.SAME), Reference.random(rnd, 216, 0.3), Reference.random(rnd, 8, 0.1), Activation.RELU6))
                .add(Convolution.of("dw", ConvSpec.depthwise(8, 3, 1, Padding.SAME), Reference.random(rnd, 72, 0.3), null, Activation.RELU6))
                .add(Convolution.of("pw", ConvSpec.pointwise(8, 16), Reference.random(rnd, 128, 0.3), null, Activation.RELU6))
                .add(Convolution.of("headA", ConvSpec.pointwise(16, 4), Reference.random(rnd, 64, 0.3), null, Activation.NONE), "pw")
                .add(Convolution.of("dw2", ConvSpec.depthwise(16, 3, 2, Padding.SAME), Reference.random(rnd, 144, 0.3), null, Activation.RELU6), "pw")
                .add(Convolution.of("pw2", ConvSpec.pointwise(16, 16), Reference.random(rnd, 256, 0.3), null, Activation.RELU6))
                .add(Convolution.of("headB", ConvSpec.pointwise(16, 4), Reference.random(rnd, 64, 0.3), null, Activation.NONE))
                .build();
        Shape in = Shape.of(1, 3, 40, 36);
        Workspace all = net.newWorkspace(in, ComputePool.single());
        Workspace shared = net.newWorkspace(in, ComputePool.single(), Set.of("headA", "headB"));
        float[] x = Reference.random(rnd, in.size(), 1);
        for (int pass = 0; pass < 2; pass++) {
            System.arraycopy(x, 0, all.input().data(), 0, x.length);
            System.arraycopy(x, 0, shared.input().data(), 0, x.length);
            all.forward();
            shared.forward();
            for (String head : new String[] {"headA", "headB"}) {
                assertArrayEquals(all.output(head).data(), shared.output(head).data(), head);
            }
        }
        // buffers really are shared: dw (after c0) reuses c0's input-free buffer chain
        assertTrue(shared.output("dw2").data() == shared.output("c0").data() || shared.output("pw2").data() == shared.output("dw").data()
                || shared.output("dw2").data() == shared.output("dw").data(), "some buffer is reused");
    }
}
