package io.mssd.ssd.model;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.TfjsWeights;
import io.mssd.core.io.WeightTensor;
import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.BatchNorm;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.tensor.Shape;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.anchors.AnchorGenerator;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.anchors.GridAnchorGenerator;
import io.mssd.ssd.backbone.MobileNetV1;
import io.mssd.ssd.backbone.WeightSource;
import io.mssd.ssd.box.CenterSizeBoxCoder;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.ScoreFunction;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.Normalization;
import io.mssd.ssd.preprocess.PadToSquareResize;

import java.util.ArrayList;
import java.util.List;

/**
 * Imports a TF Object Detection API ssd_mobilenet_v1 exported to TensorFlow.js (face-api's
 * SSD-MobileNetV1 layout): MobilenetV1/Conv2d_0..13, Prediction/Conv2d_0..7 extra layers,
 * Prediction/BoxPredictor_0..5 on conv11, conv13 and the four extra maps. Pointwise and extra
 * convolutions carry their BatchNorm folded as convolution_bn_offset; depthwise ones carry raw
 * BatchNorm parameters, folded here. Channel counts (alpha) and anchor counts come from the
 * weight shapes; any shape that does not fit is an error naming the tensor.
 */
public final class TfjsSsdMobileNetV1 {
    /** face-api's BatchNorm epsilon (float32 0.001). */
    static final float BN_EPSILON = 0.0010000000474974513f;
    static final String[] PREDICTOR_FEATURES = {
        "Conv2d_11_pointwise", "Conv2d_13_pointwise", "Prediction/Conv2d_1", "Prediction/Conv2d_3",
        "Prediction/Conv2d_5", "Prediction/Conv2d_7"};

    private TfjsSsdMobileNetV1() {}

    public static SsdModel load(String name, TfjsWeights w, List<String> labels, int labelOffset, DetectorOptions defaults) {
        String src = w.source();
        WeightTensor conv0 = w.get("MobilenetV1/Conv2d_0_pointwise/weights");
        if (conv0.shape().length != 4) throw new ModelFormatException(src, conv0.name(), "expected a 4-D [3,3,3,C] tensor");
        double alpha = conv0.shape()[3] / 32.0;
        int resolution = w.has("Preprocessor/ResizeImage/size") ? (int) w.get("Preprocessor/ResizeImage/size").values()[0] : 512;

        Network.Builder b = Network.builder();
        MobileNetV1.addBackbone(b, alpha, new TfjsSource(w));
        int cin = MobileNetV1.channels(1024, alpha);
        String prev = "Conv2d_13_pointwise";
        for (int i = 0; i < 8; i++) {
            String base = "Prediction/Conv2d_" + i + "_pointwise";
            WeightTensor wt = w.get(base + "/weights");
            int[] s = wt.shape();
            if (s.length != 4 || s[2] != cin) {
                throw new ModelFormatException(src, wt.name(), "has shape " + java.util.Arrays.toString(s) + ", expected [k,k," + cin + ",C]");
            }
            int k = s[0], cout = s[3];
            ConvSpec spec = ConvSpec.conv(cin, cout, k, k == 1 ? 1 : 2, Padding.SAME);
            b.add(Convolution.of("Prediction/Conv2d_" + i, spec, hwioToOihw(wt, spec),
                    w.get(base + "/convolution_bn_offset", cout).values(), Activation.RELU6), prev);
            prev = "Prediction/Conv2d_" + i;
            cin = cout;
        }
        Shape input = Shape.of(1, 3, resolution, resolution);
        Shape[] shapes = b.build().shapes(input);
        Network partial = b.build();
        List<BoxPredictor> predictors = new ArrayList<>();
        int logits = -1;
        for (int p = 0; p < 6; p++) {
            String base = "Prediction/BoxPredictor_" + p;
            String feature = PREDICTOR_FEATURES[p];
            int c = shapes[partial.indexOf(feature)].c();
            WeightTensor bw = w.get(base + "/BoxEncodingPredictor/weights");
            WeightTensor cw = w.get(base + "/ClassPredictor/weights");
            int boxOut = bw.shape()[bw.shape().length - 1], clsOut = cw.shape()[cw.shape().length - 1];
            if (boxOut % 4 != 0) throw new ModelFormatException(src, bw.name(), "output channels " + boxOut + " are not 4 per anchor");
            int anchors = boxOut / 4;
            if (clsOut % anchors != 0) {
                throw new ModelFormatException(src, cw.name(), "output channels " + clsOut + " do not divide into " + anchors + " anchors");
            }
            if (logits >= 0 && clsOut / anchors != logits) {
                throw new ModelFormatException(src, cw.name(), "gives " + clsOut / anchors + " logits per anchor, earlier predictors " + logits);
            }
            logits = clsOut / anchors;
            ConvSpec bs = ConvSpec.pointwise(c, boxOut), cs = ConvSpec.pointwise(c, clsOut);
            b.add(Convolution.of(base + "/BoxEncodingPredictor", bs, hwioToOihw(w.get(bw.name(), 1, 1, c, boxOut), bs),
                    w.get(base + "/BoxEncodingPredictor/biases", boxOut).values(), Activation.NONE), feature);
            b.add(Convolution.of(base + "/ClassPredictor", cs, hwioToOihw(w.get(cw.name(), 1, 1, c, clsOut), cs),
                    w.get(base + "/ClassPredictor/biases", clsOut).values(), Activation.NONE), feature);
            predictors.add(new BoxPredictor(feature, base + "/BoxEncodingPredictor", base + "/ClassPredictor", anchors));
        }
        Network net = b.build();
        Anchors anchors;
        List<AnchorGenerator.FeatureMap> maps = new ArrayList<>();
        Shape[] all = net.shapes(input);
        for (BoxPredictor p : predictors) {
            Shape s = all[net.indexOf(p.featureLayer())];
            maps.add(new AnchorGenerator.FeatureMap(s.h(), s.w()));
        }
        if (w.has("Output/extra_dim")) {
            int n = 0;
            for (int p = 0; p < maps.size(); p++) n += maps.get(p).height() * maps.get(p).width() * predictors.get(p).anchorsPerCell();
            anchors = Anchors.fromCornersYxyx(w.get("Output/extra_dim", 1, n, 4).values());
        } else {
            anchors = anchorGenerator().generate(maps);
        }
        return new SsdModel(name, net, input, predictors, anchors, CenterSizeBoxCoder.tensorflow(10, 10, 5, 5),
                ScoreFunction.SIGMOID, logits, labelOffset, labels, new PadToSquareResize(Normalization.MINUS_ONE_TO_ONE),
                PostProcessor.Strategy.BEST_CLASS, 0, defaults, null);
    }

    /** The anchors this layout was trained with (TF OD API ssd_mobilenet_v1 defaults, pre-2018 box order). */
    public static GridAnchorGenerator anchorGenerator() {
        return GridAnchorGenerator.builder().numLayers(6).scales(0.2, 0.95).aspectRatios(1.0, 2.0, 0.5, 3.0, 1.0 / 3)
                .reduceLowestLayer(true)
                .interpolatedScaleAspectRatio(1.0, GridAnchorGenerator.InterpolatedPosition.AFTER_UNIT_RATIO).build();
    }

    /** TF [kh, kw, cin/groups, cout] (or depthwise [kh, kw, C, 1]) to the engine's [cout][cin/groups][kh][kw]. */
    static float[] hwioToOihw(WeightTensor t, ConvSpec spec) {
        float[] src = t.values();
        int kh = spec.kh(), kw = spec.kw();
        float[] dst = new float[spec.weightCount()];
        if (spec.isDepthwise()) {
            int c = spec.cin();
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++) dst[(ch * kh + y) * kw + x] = src[(y * kw + x) * c + ch];
            return dst;
        }
        int cin = spec.cin() / spec.groups(), cout = spec.cout();
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++) dst[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o];
        return dst;
    }

    /** MobilenetV1/* tensors by the backbone's layer names, shapes checked, depthwise BatchNorm folded. */
    private record TfjsSource(TfjsWeights w) implements WeightSource {
        @Override
        public Convolution convolution(String name, ConvSpec spec, Activation act) {
            String base = "MobilenetV1/" + name;
            if (spec.isDepthwise()) {
                int c = spec.cin();
                float[] k = hwioToOihw(w.get(base + "/depthwise_weights", spec.kh(), spec.kw(), c, 1), spec);
                BatchNorm bn = new BatchNorm(w.get(base + "/BatchNorm/gamma", c).values(), w.get(base + "/BatchNorm/beta", c).values(),
                        w.get(base + "/BatchNorm/moving_mean", c).values(), w.get(base + "/BatchNorm/moving_variance", c).values(),
                        BN_EPSILON);
                return bn.foldInto(Convolution.of(name, spec, k, null, act));
            }
            // Conv2d_0 is stored under the name Conv2d_0_pointwise in face-api's export
            String wname = name.equals("Conv2d_0") ? "MobilenetV1/Conv2d_0_pointwise" : base;
            float[] k = hwioToOihw(w.get(wname + "/weights", spec.kh(), spec.kw(), spec.cin(), spec.cout()), spec);
            return Convolution.of(name, spec, k, w.get(wname + "/convolution_bn_offset", spec.cout()).values(), act);
        }

        @Override
        public float[] dense(String name, int in, int out) {
            throw new ModelFormatException(w.source(), name, "this export has no classifier");
        }

        @Override
        public float[] bias(String name, int count) {
            throw new ModelFormatException(w.source(), name, "this export has no classifier");
        }
    }
}
