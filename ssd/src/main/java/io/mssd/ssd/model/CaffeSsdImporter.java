package io.mssd.ssd.model;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.WeightTensor;
import io.mssd.core.io.caffe.CaffeModel;
import io.mssd.core.io.caffe.TextMessage;
import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.ActivationLayer;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.tensor.Shape;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.anchors.PriorBoxGenerator;
import io.mssd.ssd.box.CenterSizeBoxCoder;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.ScoreFunction;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.Normalization;
import io.mssd.ssd.preprocess.StretchResize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an SsdModel from a Caffe SSD (chuanqi305's MobileNet-SSD and nets of the same shape):
 * Convolution (groups, pad, stride, bias) with in-place ReLU fused, BatchNorm + Scale folded into the
 * preceding convolution; the multibox head read from its Permute(0,2,3,1) -> Flatten -> Concat
 * pattern, PriorBox layers turned into anchors, Softmax into the score function, DetectionOutput
 * into post-processing. Other layer types are an error that names the layer.
 */
public final class CaffeSsdImporter {
    static final Set<String> SUPPORTED = Set.of("Input", "Convolution", "ReLU", "BatchNorm", "Scale", "Permute", "Flatten",
            "Concat", "Reshape", "Softmax", "PriorBox", "DetectionOutput");
    /** chuanqi305's demo labels; index 0 is the background. */
    public static final List<String> VOC_LABELS = List.of("background", "aeroplane", "bicycle", "bird", "boat", "bottle",
            "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep",
            "sofa", "train", "tvmonitor");

    /** A convolution under construction (BatchNorm, Scale and ReLU still fold into it). */
    private static final class ConvNode {
        final String name, input;
        final ConvSpec spec;
        float[] weights, bias;
        Activation act = Activation.NONE;

        ConvNode(String name, String input, ConvSpec spec, float[] weights, float[] bias) {
            this.name = name;
            this.input = input;
            this.spec = spec;
            this.weights = weights;
            this.bias = bias;
        }

        void affine(float[] a, float[] c) {
            int per = weights.length / spec.cout();
            if (bias == null) bias = new float[spec.cout()];
            for (int o = 0; o < spec.cout(); o++) {
                for (int i = o * per; i < (o + 1) * per; i++) weights[i] *= a[o];
                bias[o] = bias[o] * a[o] + c[o];
            }
        }
    }

    private final CaffeModel m;
    private final String file;

    private CaffeSsdImporter(CaffeModel m) {
        this.m = m;
        this.file = m.prototxtFile();
    }

    public static SsdModel load(String name, CaffeModel model) {
        return new CaffeSsdImporter(model).build(name);
    }

    private ModelFormatException error(CaffeModel.Layer l, String problem) {
        return new ModelFormatException(file, "layer '" + l.name() + "' (" + l.type() + ")", problem);
    }

    private SsdModel build(String name) {
        TextMessage net = m.net();
        String inputBlob = null;
        int[] inDims = null;
        if (net.has("input")) {
            inputBlob = net.string("input", "data");
            TextMessage shape = net.message("input_shape");
            List<Double> d = shape != null ? shape.numbers("dim") : net.numbers("input_dim");
            inDims = d.stream().mapToInt(Double::intValue).toArray();
        }
        Map<String, String> producer = new HashMap<>(); // blob -> node name ("" = the network input)
        Map<String, Shape> shapes = new HashMap<>();
        LinkedHashMap<String, Object> nodes = new LinkedHashMap<>(); // ConvNode or ActivationLayer, by node name
        Map<String, String> nodeInput = new HashMap<>();
        Map<String, String> permute = new HashMap<>(), flatten = new HashMap<>(), reshape = new HashMap<>(), softmax = new HashMap<>();
        Map<String, List<String>> concat = new HashMap<>();
        Map<String, CaffeModel.Layer> priorBoxes = new HashMap<>();
        CaffeModel.Layer detectionOutput = null;
        if (inputBlob != null) {
            producer.put(inputBlob, "");
        }
        for (CaffeModel.Layer l : m.layers()) {
            if (!SUPPORTED.contains(l.type())) {
                throw error(l, "layer type '" + l.type() + "' is not supported (supported: " + String.join(", ", SUPPORTED.stream().sorted().toList()) + ")");
            }
            TextMessage phaseInclude = l.params().message("include");
            if (phaseInclude != null && phaseInclude.string("phase", "TEST").equals("TRAIN")) continue;
            switch (l.type()) {
                case "Input" -> {
                    TextMessage p = l.params().message("input_param");
                    TextMessage s = p == null ? null : p.message("shape");
                    if (s == null) throw error(l, "input_param.shape is missing");
                    inputBlob = l.tops().get(0);
                    inDims = s.numbers("dim").stream().mapToInt(Double::intValue).toArray();
                    producer.put(inputBlob, "");
                }
                case "Convolution" -> {
                    String bottom = single(l, l.bottoms(), "bottom");
                    String from = requireBlob(l, producer, bottom);
                    Shape in = from.isEmpty() ? inputShape(inDims, l) : shapes.get(from);
                    ConvNode c = convolution(l, from, in);
                    nodes.put(l.name(), c);
                    nodeInput.put(l.name(), from);
                    producer.put(single(l, l.tops(), "top"), l.name());
                    shapes.put(l.name(), c.spec == null ? null : outShape(c, in));
                }
                case "ReLU" -> {
                    String bottom = single(l, l.bottoms(), "bottom"), top = single(l, l.tops(), "top");
                    String from = requireBlob(l, producer, bottom);
                    TextMessage rp = l.params().message("relu_param");
                    if (rp != null && rp.number("negative_slope", 0) != 0) throw error(l, "leaky ReLU (negative_slope) is not supported");
                    if (nodes.get(from) instanceof ConvNode c && c.act == Activation.NONE && bottom.equals(top)) {
                        c.act = Activation.RELU; // in place after a convolution: fused into it
                    } else {
                        String n = l.name();
                        nodes.put(n, new ActivationLayer(n, Activation.RELU));
                        nodeInput.put(n, from);
                        shapes.put(n, shapes.get(from));
                        producer.put(top, n);
                    }
                }
                case "BatchNorm", "Scale" -> {
                    String bottom = single(l, l.bottoms(), "bottom");
                    String from = requireBlob(l, producer, bottom);
                    if (!(nodes.get(from) instanceof ConvNode c) || c.act != Activation.NONE) {
                        throw error(l, "must follow a Convolution (before its ReLU) to be folded into it");
                    }
                    int ch = c.spec.cout();
                    List<WeightTensor> b = m.blobs(l.name());
                    float[] a = new float[ch], off = new float[ch];
                    if (l.type().equals("BatchNorm")) {
                        if (b.size() < 3) throw error(l, "expected 3 blobs (mean, variance, scale factor), the caffemodel has " + b.size());
                        float[] mean = check(l, b.get(0), ch), var = check(l, b.get(1), ch);
                        float sf = b.get(2).values().length > 0 ? b.get(2).values()[0] : 1f;
                        float f = sf == 0 ? 0 : 1 / sf;
                        TextMessage bp = l.params().message("batch_norm_param");
                        double eps = bp == null ? 1e-5 : bp.number("eps", 1e-5);
                        for (int i = 0; i < ch; i++) {
                            a[i] = (float) (1 / Math.sqrt(var[i] * f + eps));
                            off[i] = -mean[i] * f * a[i];
                        }
                    } else {
                        TextMessage sp = l.params().message("scale_param");
                        boolean biasTerm = sp != null && sp.number("bias_term", 0) != 0;
                        if (b.isEmpty()) throw error(l, "the caffemodel has no blobs for this layer");
                        a = check(l, b.get(0), ch);
                        if (biasTerm) {
                            if (b.size() < 2) throw error(l, "bias_term is set but the caffemodel has no bias blob");
                            off = check(l, b.get(1), ch);
                        }
                    }
                    c.affine(a, off);
                    producer.put(single(l, l.tops(), "top"), from);
                }
                case "Permute" -> {
                    TextMessage pp = l.params().message("permute_param");
                    List<Double> order = pp == null ? List.of() : pp.numbers("order");
                    if (!order.equals(List.of(0.0, 2.0, 3.0, 1.0))) throw error(l, "only order (0, 2, 3, 1) is supported, got " + order);
                    permute.put(single(l, l.tops(), "top"), single(l, l.bottoms(), "bottom"));
                }
                case "Flatten" -> flatten.put(single(l, l.tops(), "top"), single(l, l.bottoms(), "bottom"));
                case "Reshape" -> reshape.put(single(l, l.tops(), "top"), single(l, l.bottoms(), "bottom"));
                case "Softmax" -> softmax.put(single(l, l.tops(), "top"), single(l, l.bottoms(), "bottom"));
                case "Concat" -> concat.put(single(l, l.tops(), "top"), l.bottoms());
                case "PriorBox" -> priorBoxes.put(single(l, l.tops(), "top"), l);
                case "DetectionOutput" -> detectionOutput = l;
                default -> throw error(l, "unexpected layer type");
            }
        }
        if (inputBlob == null) throw new ModelFormatException(file, "input", "the net declares no input (input + input_shape, or an Input layer)");
        if (detectionOutput == null) throw new ModelFormatException(file, "DetectionOutput", "the net has no DetectionOutput layer: not an SSD");
        CaffeModel.Layer det = detectionOutput;
        if (det.bottoms().size() != 3) throw error(det, "expected 3 bottoms (loc, conf, priors)");

        // the head: loc / conf convolutions in concat order, priors in the same order
        List<String> locConvs = headConvs(det, det.bottoms().get(0), concat, flatten, permute, reshape, softmax, false);
        List<String> confConvs = headConvs(det, det.bottoms().get(1), concat, flatten, permute, reshape, softmax, true);
        List<String> priorTops = concat.get(det.bottoms().get(2));
        if (priorTops == null) throw error(det, "priors '" + det.bottoms().get(2) + "' are not a Concat of PriorBox layers");
        if (locConvs.size() != confConvs.size() || locConvs.size() != priorTops.size()) {
            throw error(det, locConvs.size() + " loc, " + confConvs.size() + " conf and " + priorTops.size() + " prior layers do not pair up");
        }
        TextMessage dp = det.params().message("detection_output_param");
        if (dp == null) throw error(det, "detection_output_param is missing");
        int numClasses = (int) dp.number("num_classes", 0);
        if (dp.number("share_location", 1) == 0) throw error(det, "share_location false is not supported");
        if (!dp.string("code_type", "CORNER").equals("CENTER_SIZE")) throw error(det, "only code_type CENTER_SIZE is supported");
        if (dp.number("variance_encoded_in_target", 0) != 0) throw error(det, "variance_encoded_in_target is not supported");
        int background = (int) dp.number("background_label_id", 0);
        if (background != 0) throw error(det, "only background_label_id 0 is supported");
        TextMessage nms = dp.message("nms_param");
        float nmsThreshold = (float) (nms == null ? 0.3 : nms.number("nms_threshold", 0.3));
        int topK = (int) (nms == null ? 0 : nms.number("top_k", 0));
        int keepTopK = (int) dp.number("keep_top_k", -1);
        float conf = (float) dp.number("confidence_threshold", 0);

        Network.Builder nb = Network.builder();
        for (Map.Entry<String, Object> e : nodes.entrySet()) {
            String in = nodeInput.get(e.getKey());
            io.mssd.core.nn.Layer layer = e.getValue() instanceof ConvNode c
                    ? Convolution.of(c.name, c.spec, c.weights, c.bias, c.act) : (io.mssd.core.nn.Layer) e.getValue();
            if (in.isEmpty()) {
                nb.addFromInput(layer);
            } else {
                nb.add(layer, in);
            }
        }
        Network network = nb.build();
        Shape input = inputShape(inDims, det);
        Shape[] all = network.shapes(input);
        List<BoxPredictor> predictors = new ArrayList<>();
        List<float[]> priorList = new ArrayList<>();
        float[] variance = null;
        for (int i = 0; i < locConvs.size(); i++) {
            CaffeModel.Layer pb = priorBoxes.get(priorTops.get(i));
            if (pb == null) throw error(det, "'" + priorTops.get(i) + "' is not produced by a PriorBox layer");
            String loc = locConvs.get(i), cls = confConvs.get(i);
            String feature = nodeInput.get(loc);
            if (!feature.equals(nodeInput.get(cls)) || !feature.equals(producer.get(pb.bottoms().get(0)))) {
                throw error(pb, "its feature map differs from that of " + loc + " / " + cls);
            }
            PriorBoxGenerator.Spec spec = priorSpec(pb);
            TextMessage pp = pb.params().message("prior_box_param");
            List<Double> v = pp.numbers("variance");
            float[] var = v.size() == 1 ? new float[] {v.get(0).floatValue(), v.get(0).floatValue(), v.get(0).floatValue(), v.get(0).floatValue()}
                    : v.size() == 4 ? new float[] {v.get(0).floatValue(), v.get(1).floatValue(), v.get(2).floatValue(), v.get(3).floatValue()}
                    : new float[] {0.1f, 0.1f, 0.1f, 0.1f};
            if (variance != null && !Arrays.equals(variance, var)) throw error(pb, "PriorBox layers with different variances are not supported");
            variance = var;
            Shape fs = all[network.indexOf(feature)];
            int per = PriorBoxGenerator.boxesPerCell(spec);
            priorList.add(PriorBoxGenerator.corners(spec, fs.h(), fs.w(), input.h(), input.w()));
            predictors.add(new BoxPredictor(feature, loc, cls, per));
        }
        int total = 0;
        for (float[] p : priorList) total += p.length;
        float[] corners = new float[total];
        int o = 0;
        for (float[] p : priorList) {
            System.arraycopy(p, 0, corners, o, p.length);
            o += p.length;
        }
        List<String> labels = numClasses == VOC_LABELS.size() ? VOC_LABELS.subList(1, VOC_LABELS.size()) : generic(numClasses);
        DetectorOptions defaults = new DetectorOptions(conf, nmsThreshold, keepTopK > 0 ? keepTopK : 200);
        return new SsdModel(name, network, input, predictors, PriorBoxGenerator.anchors(corners),
                CenterSizeBoxCoder.caffe(variance[0], variance[1], variance[2], variance[3]), ScoreFunction.SOFTMAX, numClasses,
                1, labels, new StretchResize(new Normalization(127.5f, 0.007843f, true)), PostProcessor.Strategy.PER_CLASS, topK,
                defaults, null);
    }

    private static List<String> generic(int numClasses) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i < numClasses; i++) l.add("class" + i);
        return l;
    }

    private List<String> headConvs(CaffeModel.Layer det, String blob, Map<String, List<String>> concat, Map<String, String> flatten,
                                   Map<String, String> permute, Map<String, String> reshape, Map<String, String> softmax,
                                   boolean conf) {
        String b = blob;
        if (conf) {
            // conf: Concat -> Reshape -> Softmax -> Flatten (the softmax over each anchor's classes)
            if (flatten.containsKey(b)) b = flatten.get(b);
            if (!softmax.containsKey(b)) throw error(det, "conf input '" + blob + "' is not a softmax over the class scores");
            b = softmax.get(b);
            if (reshape.containsKey(b)) b = reshape.get(b);
        }
        List<String> parts = concat.get(b);
        if (parts == null) throw error(det, "'" + b + "' is not a Concat of the predictor outputs");
        List<String> convs = new ArrayList<>();
        for (String part : parts) {
            String f = flatten.get(part);
            String pm = f == null ? null : permute.get(f);
            if (pm == null) throw error(det, "'" + part + "' is not Flatten(Permute(0,2,3,1)(conv))");
            convs.add(pm);
        }
        return convs;
    }

    private PriorBoxGenerator.Spec priorSpec(CaffeModel.Layer l) {
        TextMessage p = l.params().message("prior_box_param");
        if (p == null) throw error(l, "prior_box_param is missing");
        float[] min = floats(p.numbers("min_size")), max = floats(p.numbers("max_size")), ar = floats(p.numbers("aspect_ratio"));
        if (min.length == 0) throw error(l, "min_size is missing");
        float step = (float) p.number("step", 0);
        return new PriorBoxGenerator.Spec(min, max, ar, p.number("flip", 1) != 0, p.number("clip", 0) != 0,
                (float) p.number("step_w", step), (float) p.number("step_h", step), (float) p.number("offset", 0.5));
    }

    private static float[] floats(List<Double> d) {
        float[] f = new float[d.size()];
        for (int i = 0; i < f.length; i++) f[i] = d.get(i).floatValue();
        return f;
    }

    private Shape inputShape(int[] dims, CaffeModel.Layer l) {
        if (dims == null || dims.length != 4) throw error(l, "the net input must be 4-D (N, C, H, W), got " + Arrays.toString(dims));
        return Shape.of(1, dims[1], dims[2], dims[3]);
    }

    private static String single(CaffeModel.Layer l, List<String> v, String what) {
        if (v.size() != 1) {
            throw new ModelFormatException("prototxt", "layer '" + l.name() + "'", "expected one " + what + ", got " + v.size());
        }
        return v.get(0);
    }

    private String requireBlob(CaffeModel.Layer l, Map<String, String> producer, String blob) {
        String p = producer.get(blob);
        if (p == null) throw error(l, "reads blob '" + blob + "' that no earlier layer produces");
        return p;
    }

    private float[] check(CaffeModel.Layer l, WeightTensor t, int n) {
        if (t.values().length != n) throw error(l, "blob " + t.name() + " has " + t.values().length + " values, expected " + n);
        return t.values().clone();
    }

    private ConvNode convolution(CaffeModel.Layer l, String from, Shape in) {
        TextMessage p = l.params().message("convolution_param");
        if (p == null) throw error(l, "convolution_param is missing");
        int cout = (int) p.number("num_output", 0);
        int k = p.has("kernel_size") ? p.numbers("kernel_size").get(0).intValue() : 0;
        int kh = (int) p.number("kernel_h", k), kw = (int) p.number("kernel_w", k);
        int s = p.has("stride") ? p.numbers("stride").get(0).intValue() : 1;
        int pad = p.has("pad") ? p.numbers("pad").get(0).intValue() : 0;
        int ph = (int) p.number("pad_h", pad), pw = (int) p.number("pad_w", pad);
        int group = (int) p.number("group", 1);
        if (p.has("dilation") && p.numbers("dilation").stream().anyMatch(d -> d != 1)) throw error(l, "dilation other than 1 is not supported");
        if ((int) p.number("stride_h", s) != (int) p.number("stride_w", s)) throw error(l, "different stride_h and stride_w are not supported");
        if (cout <= 0 || kh <= 0 || kw <= 0) throw error(l, "num_output and kernel_size must be > 0");
        if (in == null) throw error(l, "input shape unknown");
        ConvSpec spec;
        try {
            spec = new ConvSpec(in.c(), cout, kh, kw, (int) p.number("stride_h", s), group, Padding.explicit(ph, pw));
        } catch (IllegalArgumentException e) {
            throw error(l, e.getMessage() + " (input has " + in.c() + " channels)");
        }
        boolean biasTerm = p.number("bias_term", 1) != 0;
        List<WeightTensor> b = m.blobs(l.name());
        if (!m.hasBlobs(l.name())) throw new ModelFormatException(m.weightsFile(), "layer '" + l.name() + "'", "has no weights in the caffemodel");
        if (b.size() < (biasTerm ? 2 : 1)) {
            throw new ModelFormatException(m.weightsFile(), "layer '" + l.name() + "'", "expected " + (biasTerm ? 2 : 1) + " blobs, found " + b.size());
        }
        int[] wantW = {cout, in.c() / group, kh, kw};
        WeightTensor w = b.get(0);
        if (w.values().length != spec.weightCount() || (w.shape().length == 4 && !Arrays.equals(w.shape(), wantW))) {
            throw new ModelFormatException(m.weightsFile(), "layer '" + l.name() + "' weights", "blob shape " + Arrays.toString(w.shape())
                    + " does not match the prototxt: expected " + Arrays.toString(wantW));
        }
        float[] bias = null;
        if (biasTerm) {
            WeightTensor bt = b.get(1);
            if (bt.values().length != cout) {
                throw new ModelFormatException(m.weightsFile(), "layer '" + l.name() + "' bias", "blob has " + bt.values().length
                        + " values, expected " + cout);
            }
            bias = bt.values().clone();
        }
        return new ConvNode(l.name(), from, spec, w.values().clone(), bias);
    }

    private static Shape outShape(ConvNode c, Shape in) {
        ConvSpec s = c.spec;
        return Shape.of(in.n(), s.cout(), s.padding().outSize(in.h(), s.kh(), s.stride(), true),
                s.padding().outSize(in.w(), s.kw(), s.stride(), false));
    }
}
