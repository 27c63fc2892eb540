package io.mssd.ssd.model;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.tflite.TfliteModel;
import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Requantize;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.tensor.Shape;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.CenterSizeBoxCoder;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.OutputQuantization;
import io.mssd.ssd.head.ScoreFunction;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.Normalization;
import io.mssd.ssd.preprocess.StretchResize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an SsdModel from a quantised TFLite SSD (TF Object Detection API export with
 * TFLite_Detection_PostProcess). The float kernels run on integer-valued data: weights as
 * q - zero_point, int32 biases as they are, activations as q - zero_point, so each convolution's
 * float sum is the integer model's accumulator (exact below 2^24); a Requantize layer then snaps it
 * to the output tensor's uint8 grid (scale, zero point, fused ReLU/ReLU6 as a clamp). The head is
 * read from its RESHAPE -> CONCATENATION -> (LOGISTIC) -> post-process pattern, anchors from the file.
 */
public final class TfliteSsdImporter {
    static final int CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, LOGISTIC = 14, RESHAPE = 22, CUSTOM = 32;
    static final Map<Integer, String> OP_NAMES = Map.of(0, "ADD", 1, "AVERAGE_POOL_2D", 6, "DEQUANTIZE", 9, "FULLY_CONNECTED",
            17, "MAX_POOL_2D", 18, "MUL", 21, "RELU6", 25, "SOFTMAX", 23, "RESIZE_BILINEAR", 40, "MEAN");

    private final TfliteModel m;
    private final String file;
    /** Float model: weights dequantised (real = scale * (q - zero point)), no requantisation. */
    private final boolean dequantize;
    private final Map<String, String> sourceNames = new java.util.LinkedHashMap<>();
    private final Requantize.Rounding rounding;

    private TfliteSsdImporter(TfliteModel m, boolean dequantize, Requantize.Rounding rounding) {
        this.m = m;
        this.file = m.file();
        this.dequantize = dequantize;
        this.rounding = rounding;
    }

    /** The quantised model as TensorFlow Lite's interpreter runs it on a CPU (XNNPACK's requantisation). */
    public static SsdModel load(String name, TfliteModel model, List<String> labels) {
        return load(name, model, labels, Requantize.Rounding.TIES_TO_EVEN);
    }

    /**
     * The quantised model with the given requantisation: {@code HALF_AWAY_FROM_ZERO} with a multiplier in
     * double arithmetic computes what TFLite's reference kernels and Arm NN compute.
     */
    public static SsdModel load(String name, TfliteModel model, List<String> labels, Requantize.Rounding rounding) {
        return new TfliteSsdImporter(model, false, rounding).build(name, labels);
    }

    /**
     * The float model the quantised file's weights define: weights scale * (q - zero point), biases
     * int32 * s_in * s_w, input (q - zero point) * s_in, ReLU6 where the uint8 output range is
     * [0, 6] (the backbone's clamp lives there, not in a fused activation), head outputs unclamped.
     * This is the model that training and export start from; each weight keeps its TFLite tensor name.
     */
    public static SsdModel loadFloat(String name, TfliteModel model, List<String> labels) {
        return new TfliteSsdImporter(model, true, Requantize.Rounding.TIES_TO_EVEN).build(name, labels);
    }

    private ModelFormatException error(TfliteModel.Operator op, String problem) {
        return new ModelFormatException(file, "operator " + op.index() + " (" + opName(op) + ")", problem);
    }

    static String opName(TfliteModel.Operator op) {
        if (op.builtin() == CUSTOM) return "CUSTOM " + op.customCode();
        return switch (op.builtin()) {
            case CONCATENATION -> "CONCATENATION";
            case CONV_2D -> "CONV_2D";
            case DEPTHWISE_CONV_2D -> "DEPTHWISE_CONV_2D";
            case LOGISTIC -> "LOGISTIC";
            case RESHAPE -> "RESHAPE";
            default -> OP_NAMES.getOrDefault(op.builtin(), "builtin op " + op.builtin());
        };
    }

    private static String shortName(String tensor) {
        return tensor.replace("FeatureExtractor/MobilenetV1/MobilenetV1/", "").replace("FeatureExtractor/MobilenetV1/", "");
    }

    private SsdModel build(String name, List<String> labels) {
        if (m.inputs().length != 1) throw new ModelFormatException(file, "inputs", "expected one input, got " + m.inputs().length);
        TfliteModel.Tensor input = m.tensor(m.inputs()[0]);
        int[] is = input.shape();
        if (is.length != 4 || is[3] != 3) throw new ModelFormatException(file, "input '" + input.name() + "'", "expected [1, H, W, 3]");
        TfliteModel.Quantization iq = input.quantization();
        if (input.type() != TfliteModel.UINT8 || iq == null) {
            throw new ModelFormatException(file, "input '" + input.name() + "'", "expected a uint8 input with quantisation (a quantised model)");
        }
        // activations travel as integers q - zero_point, so that convolutions sum exactly what the integer model sums
        Normalization norm = new Normalization(iq.zeroPoint(), dequantize ? iq.scale() : 1f, false);

        Network.Builder nb = Network.builder();
        Map<Integer, String> node = new HashMap<>(); // tensor -> node producing it ("" = network input)
        Map<Integer, Integer> alias = new HashMap<>(); // RESHAPE output -> input tensor
        Map<Integer, int[]> concat = new HashMap<>();
        Map<Integer, Integer> logistic = new HashMap<>();
        Map<String, Integer> channels = new HashMap<>();
        Map<Integer, Integer> consumers = new HashMap<>();
        for (TfliteModel.Operator op : m.operators()) for (int t : op.inputs()) if (t >= 0) consumers.merge(t, 1, Integer::sum);
        Map<String, TfliteModel.Quantization> grid = new HashMap<>(); // node -> quantisation of the tensor it holds
        node.put(input.index(), "");
        channels.put("", 3);
        grid.put("", iq);
        TfliteModel.Operator post = null;
        for (TfliteModel.Operator op : m.operators()) {
            int needIn = switch (op.builtin()) {
                case CONV_2D, DEPTHWISE_CONV_2D -> 2;
                case RESHAPE, CONCATENATION, LOGISTIC -> 1;
                default -> 0;
            };
            if (op.inputs().length < needIn || (needIn > 0 && op.outputs().length < 1)) {
                throw error(op, "has " + op.inputs().length + " inputs and " + op.outputs().length + " outputs, expected at least "
                        + needIn + " and 1");
            }
            switch (op.builtin()) {
                case CONV_2D, DEPTHWISE_CONV_2D -> {
                    TfliteModel.Tensor in = m.tensor(op.inputs()[0]), w = m.tensor(op.inputs()[1]);
                    TfliteModel.Tensor out = m.tensor(op.outputs()[0]);
                    String from = node.get(in.index());
                    if (from == null) throw error(op, "reads tensor '" + in.name() + "' that no supported operator produces");
                    boolean dw = op.builtin() == DEPTHWISE_CONV_2D;
                    int[] ws = w.shape();
                    if (ws.length != 4) throw error(op, "filter '" + w.name() + "' must be 4-D, got " + java.util.Arrays.toString(ws));
                    int cin = channels.get(from);
                    TfliteModel.Options o = op.options();
                    int padding = o == null ? 0 : o.getByte(0, 0), strideW = o == null ? 1 : o.getInt(1, 1), strideH = o == null ? 1 : o.getInt(2, 1);
                    int act = o == null ? 0 : (dw ? o.getByte(4, 0) : o.getByte(3, 0));
                    if (dw && o != null && o.getInt(3, 1) != 1) throw error(op, "depth_multiplier " + o.getInt(3, 1) + " is not supported");
                    if (strideW != strideH) throw error(op, "different strides in h and w are not supported");
                    int dil = o == null ? 1 : o.getInt(dw ? 5 : 4, 1);
                    if (dil != 1) throw error(op, "dilation " + dil + " is not supported");
                    Padding pad = padding == 0 ? Padding.SAME : Padding.VALID;
                    TfliteModel.Quantization wq = w.quantization(), oq = m.tensor(op.outputs()[0]).quantization(), inq = grid.get(from);
                    if (w.type() != TfliteModel.UINT8 || wq == null || oq == null || inq == null) {
                        throw error(op, "expected uint8 weights and activations with per-tensor quantisation");
                    }
                    ConvSpec spec;
                    float[] weights;
                    float[] src = integerWeights(w, wq);
                    if (dequantize) for (int i = 0; i < src.length; i++) src[i] *= wq.scale();
                    if (dw) {
                        if (ws[0] != 1 || ws[3] != cin) throw error(op, "depthwise filter shape " + java.util.Arrays.toString(ws) + " does not fit " + cin + " channels");
                        spec = new ConvSpec(cin, cin, ws[1], ws[2], strideH, cin, pad);
                        weights = new float[spec.weightCount()];
                        for (int c = 0; c < cin; c++)
                            for (int y = 0; y < ws[1]; y++)
                                for (int x = 0; x < ws[2]; x++) weights[(c * ws[1] + y) * ws[2] + x] = src[(y * ws[2] + x) * cin + c];
                    } else {
                        if (ws[3] != cin) throw error(op, "filter shape " + java.util.Arrays.toString(ws) + " expects " + ws[3] + " input channels, the input has " + cin);
                        spec = new ConvSpec(cin, ws[0], ws[1], ws[2], strideH, 1, pad);
                        weights = new float[spec.weightCount()];
                        int kh = ws[1], kw = ws[2];
                        for (int oc = 0; oc < ws[0]; oc++)
                            for (int y = 0; y < kh; y++)
                                for (int x = 0; x < kw; x++)
                                    for (int i = 0; i < cin; i++) weights[((oc * cin + i) * kh + y) * kw + x] = src[((oc * kh + y) * kw + x) * cin + i];
                    }
                    float[] bias = null;
                    if (op.inputs().length > 2 && op.inputs()[2] >= 0) {
                        TfliteModel.Tensor bt = m.tensor(op.inputs()[2]);
                        if (bt.type() != TfliteModel.INT32 || bt.data() == null) throw error(op, "expected an int32 constant bias");
                        if (bt.count() != spec.cout() || (long) bt.count() * 4 > bt.data().capacity()) {
                            throw error(op, "bias '" + bt.name() + "' of shape " + java.util.Arrays.toString(bt.shape()) + " and "
                                    + bt.data().capacity() + " bytes does not hold " + spec.cout() + " int32 values");
                        }
                        bias = new float[bt.count()];
                        for (int i = 0; i < bias.length; i++) bias[i] = bt.data().getInt(i * 4); // in units of s_in * s_w
                        if (dequantize) {
                            float bs = (float) ((double) inq.scale() * wq.scale());
                            for (int i = 0; i < bias.length; i++) bias[i] *= bs;
                        }
                    }
                    if (bias != null && bias.length != spec.cout()) throw error(op, "bias has " + bias.length + " values, expected " + spec.cout());
                    int zp = (int) oq.zeroPoint();
                    int lo = 0, hi = 255;
                    switch (act) {
                        case 0 -> { }
                        case 1 -> lo = Math.max(0, zp);
                        case 3 -> {
                            lo = Math.max(0, zp);
                            hi = (int) Math.min(255, zp + Math.round(6 / oq.scale()));
                        }
                        default -> throw error(op, "fused activation " + act + " is not supported");
                    }
                    // predictor outputs (read by RESHAPE, not by another convolution) leave as real values
                    boolean head = isReadOnlyByReshape(op.outputs()[0]);
                    String result = shortName(out.name());
                    // float: the convolution with its activation is the node; quantised: the integer convolution,
                    // then requantisation onto the output's uint8 grid
                    Activation fa = dequantize ? (head ? Activation.NONE : floatActivation(act, oq, op)) : Activation.NONE;
                    String convName = dequantize ? result : result + ":conv";
                    // quantised: integer-valued data, summed exactly only in input order (no Winograd)
                    Convolution conv = dequantize ? Convolution.of(convName, spec, weights, bias, fa)
                            : Convolution.exact(convName, spec, weights, bias, fa);
                    if (from.isEmpty()) nb.addFromInput(conv);
                    else nb.add(conv, from);
                    if (dequantize) {
                        sourceNames.put(result + "/weights", w.name());
                        if (bias != null) sourceNames.put(result + "/bias", m.tensor(op.inputs()[2]).name());
                    } else {
                        // XNNPACK computes the multiplier in float arithmetic from the tensors' float scales
                        double multiplier = rounding == Requantize.Rounding.TIES_TO_EVEN ? inq.scale() * wq.scale() / oq.scale()
                                : (double) inq.scale() * wq.scale() / oq.scale();
                        nb.add(new Requantize(result, multiplier, zp, lo, hi, head ? oq.scale() : 1f, rounding), convName);
                    }
                    node.put(out.index(), result);
                    channels.put(result, spec.cout());
                    grid.put(result, oq);
                }
                case RESHAPE -> alias.put(op.outputs()[0], op.inputs()[0]);
                case CONCATENATION -> concat.put(op.outputs()[0], op.inputs());
                case LOGISTIC -> logistic.put(op.outputs()[0], op.inputs()[0]);
                case CUSTOM -> {
                    if (!"TFLite_Detection_PostProcess".equals(op.customCode())) throw error(op, "custom op '" + op.customCode() + "' is not supported");
                    post = op;
                }
                default -> throw error(op, "op type " + opName(op) + " is not supported (supported: CONV_2D, DEPTHWISE_CONV_2D,"
                        + " RESHAPE, CONCATENATION, LOGISTIC, TFLite_Detection_PostProcess)");
            }
        }
        if (post == null) throw new ModelFormatException(file, "operators", "no TFLite_Detection_PostProcess: not an SSD detection model");
        Map<String, Object> opt = post.customOptions() == null ? Map.of() : post.customOptions();
        int numClasses = (int) num(opt, "num_classes", post);
        if (opt.containsKey("use_regular_nms") && Boolean.TRUE.equals(opt.get("use_regular_nms"))) {
            throw error(post, "use_regular_nms (per-class NMS) is not supported; the fast NMS is");
        }
        if (post.inputs().length < 3) throw error(post, "expected 3 inputs (boxes, scores, anchors), got " + post.inputs().length);
        int boxesTensor = post.inputs()[0], scoresTensor = post.inputs()[1], anchorsTensor = post.inputs()[2];
        int boxConcat = resolve(boxesTensor, alias);
        Integer logit = logistic.get(resolve(scoresTensor, alias));
        if (logit == null) throw error(post, "class scores are not a LOGISTIC of the class predictions");
        int clsConcat = resolve(logit, alias);
        int[] boxParts = concat.get(boxConcat), clsParts = concat.get(clsConcat);
        if (boxParts == null || clsParts == null || boxParts.length != clsParts.length) {
            throw error(post, "box and class predictions are not matching concatenations of predictor outputs");
        }
        Network net = nb.build();
        Shape inShape = Shape.of(1, 3, is[1], is[2]);
        Shape[] shapes = net.shapes(inShape);
        List<BoxPredictor> predictors = new ArrayList<>();
        int logitsPerAnchor = -1;
        for (int i = 0; i < boxParts.length; i++) {
            String box = node.get(resolve(boxParts[i], alias)), cls = node.get(resolve(clsParts[i], alias));
            if (box == null || cls == null) throw error(post, "predictor " + i + " is not a convolution output");
            Shape bs = shapes[net.indexOf(box)], cs = shapes[net.indexOf(cls)];
            int anchors = bs.c() / 4;
            if (cs.c() % anchors != 0) throw error(post, "predictor " + i + ": " + cs.c() + " class channels for " + anchors + " anchors");
            logitsPerAnchor = cs.c() / anchors;
            int in = net.nodes().get(net.indexOf(dequantize || box.endsWith(":conv") ? box : box + ":conv")).input();
            String feature = in < 0 ? "input" : net.nodes().get(in).layer().name();
            predictors.add(new BoxPredictor(feature, box, cls, anchors));
        }
        if (logitsPerAnchor != numClasses + 1) {
            throw error(post, "num_classes " + numClasses + " but the predictors give " + logitsPerAnchor + " scores per anchor");
        }
        TfliteModel.Tensor at = m.tensor(anchorsTensor);
        float[] anchorValues = m.dequantize(at);
        Anchors anchors = new Anchors(anchorValues); // TFLite anchors are (ycenter, xcenter, h, w)
        List<String> names = labels != null ? labels : CocoLabels.NAMES;
        if (names.size() < numClasses) {
            throw new ModelFormatException(file, "labels", "the model has " + numClasses + " classes but only " + names.size() + " labels were given");
        }
        names = names.subList(0, numClasses);
        OutputQuantization oq = null;
        if (dequantize) {
            float iou = (float) num(opt, "nms_iou_threshold", post);
            return new SsdModel(name, net, inShape, predictors, anchors,
                    CenterSizeBoxCoder.tensorflow((float) num(opt, "y_scale", post), (float) num(opt, "x_scale", post),
                            (float) num(opt, "h_scale", post), (float) num(opt, "w_scale", post)),
                    ScoreFunction.SIGMOID, logitsPerAnchor, 1, names, new StretchResize(norm), PostProcessor.Strategy.BEST_CLASS, 0,
                    new DetectorOptions(0.5f, iou, (int) num(opt, "max_detections", post)), null, sourceNames);
        }
        TfliteModel.Quantization bq = m.tensor(boxConcat).quantization(), lq = m.tensor(clsConcat).quantization(),
                sq = m.tensor(scoresTensor).quantization();
        if (bq != null && lq != null && sq != null && m.tensor(scoresTensor).type() == TfliteModel.UINT8) {
            oq = new OutputQuantization(bq.scale(), (int) bq.zeroPoint(), lq.scale(), (int) lq.zeroPoint(), sq.scale(), (int) sq.zeroPoint());
        }
        float iou = (float) num(opt, "nms_iou_threshold", post);
        int maxDet = (int) num(opt, "max_detections", post);
        DetectorOptions defaults = new DetectorOptions(0.5f, iou, maxDet);
        return new SsdModel(name, net, inShape, predictors, anchors,
                CenterSizeBoxCoder.tensorflow((float) num(opt, "y_scale", post), (float) num(opt, "x_scale", post),
                        (float) num(opt, "h_scale", post), (float) num(opt, "w_scale", post)),
                ScoreFunction.SIGMOID, logitsPerAnchor, 1, names, new StretchResize(norm), PostProcessor.Strategy.BEST_CLASS, 0,
                defaults, oq);
    }

    /**
     * The float activation of a convolution: the fused one, else the clamp its uint8 output range
     * implies (a range starting at 0 clamps below; one ending at 6 is ReLU6).
     */
    private Activation floatActivation(int fused, TfliteModel.Quantization oq, TfliteModel.Operator op) {
        if (fused == 3) return Activation.RELU6;
        float lo = oq.scale() * (0 - oq.zeroPoint()), hi = oq.scale() * (255 - oq.zeroPoint());
        if (fused == 1 || lo == 0) return Math.abs(hi - 6) < 0.05f ? Activation.RELU6 : Activation.RELU;
        return Activation.NONE;
    }

    /** Weights as integers q - zero_point. */
    private float[] integerWeights(TfliteModel.Tensor w, TfliteModel.Quantization q) {
        float[] real = m.dequantize(new TfliteModel.Tensor(w.index(), w.name(), w.shape(), w.type(), null, w.data()));
        for (int i = 0; i < real.length; i++) real[i] -= q.zeroPoint();
        return real;
    }

    private boolean isReadOnlyByReshape(int tensor) {
        boolean any = false;
        for (TfliteModel.Operator op : m.operators()) {
            for (int t : op.inputs()) {
                if (t != tensor) continue;
                if (op.builtin() != RESHAPE) return false;
                any = true;
            }
        }
        return any;
    }

    private static int resolve(int tensor, Map<Integer, Integer> alias) {
        while (alias.containsKey(tensor)) tensor = alias.get(tensor);
        return tensor;
    }

    private double num(Map<String, Object> opt, String key, TfliteModel.Operator op) {
        Object v = opt.get(key);
        if (!(v instanceof Number n)) throw error(op, "custom option '" + key + "' is missing");
        return n.doubleValue();
    }
}
