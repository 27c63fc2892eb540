package io.mssd.ssd.backbone;

import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.AvgPool2d;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Dense;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.nn.Softmax;
import io.mssd.core.tensor.Shape;

import java.util.Locale;

/**
 * MobileNetV1 (Howard et al. 2017): a 3x3/2 convolution and 13 depthwise-separable blocks,
 * ReLU6 after every convolution, TF 'SAME' padding; width multiplier alpha scales every channel
 * count to int(c * alpha); optional classifier head (global average pool, dense, softmax).
 * Layer names follow TensorFlow's: Conv2d_0, Conv2d_1_depthwise, Conv2d_1_pointwise, ...
 */
public final class MobileNetV1 {

    /** Output channels (alpha 1) and stride of blocks 1..13. */
    static final int[][] BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}
    };
    /** Total downsampling; a resolution below this leaves no spatial extent worth the name. */
    public static final int MIN_RESOLUTION = 32;

    private MobileNetV1() {}

    /** Channel count for width multiplier alpha, as in the paper: int(c * alpha). */
    public static int channels(int c, double alpha) {
        return (int) (c * alpha);
    }

    public static void checkAlpha(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "alpha must be in (0, 1], got %s", alpha));
        }
        if (channels(32, alpha) < 1) {
            throw new IllegalArgumentException("alpha " + alpha + " is too small: the first layer would have no channels");
        }
    }

    public static void checkResolution(int resolution) {
        if (resolution < MIN_RESOLUTION) {
            throw new IllegalArgumentException("resolution " + resolution + " is too small for MobileNetV1, which"
                    + " downsamples by 32: need at least " + MIN_RESOLUTION);
        }
    }

    /** The backbone through Conv2d_13_pointwise, plus the classifier when classes > 0. */
    public static Network build(double alpha, int classes, WeightSource weights) {
        checkAlpha(alpha);
        if (classes < 0) throw new IllegalArgumentException("classes must be >= 0, got " + classes);
        Network.Builder b = Network.builder();
        addBackbone(b, alpha, weights);
        if (classes > 0) {
            int features = channels(1024, alpha);
            b.add(AvgPool2d.global("AvgPool"));
            b.add(new Dense("Logits", features, classes, weights.dense("Logits", features, classes),
                    weights.bias("Logits", classes)));
            b.add(new Softmax("Predictions"));
        }
        return b.build();
    }

    /** Adds Conv2d_0 .. Conv2d_13_pointwise to a network under construction. */
    public static void addBackbone(Network.Builder b, double alpha, WeightSource weights) {
        int cin = channels(32, alpha);
        b.add(conv(weights, "Conv2d_0", ConvSpec.conv(3, cin, 3, 2, Padding.SAME)));
        for (int i = 0; i < BLOCKS.length; i++) {
            int cout = channels(BLOCKS[i][0], alpha);
            if (cout < 1) throw new IllegalArgumentException("alpha " + alpha + " is too small: block " + (i + 1) + " has no channels");
            b.add(conv(weights, "Conv2d_" + (i + 1) + "_depthwise", ConvSpec.depthwise(cin, 3, BLOCKS[i][1], Padding.SAME)));
            b.add(conv(weights, "Conv2d_" + (i + 1) + "_pointwise", ConvSpec.pointwise(cin, cout)));
            cin = cout;
        }
    }

    private static Convolution conv(WeightSource w, String name, ConvSpec spec) {
        return w.convolution(name, spec, Activation.RELU6);
    }

    public static Shape inputShape(int resolution) {
        checkResolution(resolution);
        return Shape.of(1, 3, resolution, resolution);
    }
}
