package io.mssd.ssd.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.SafeTensors;
import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.ActivationLayer;
import io.mssd.core.nn.BroadcastBinary;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.Layer;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.tensor.Shape;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.BoxCoder;
import io.mssd.ssd.box.CenterSizeBoxCoder;
import io.mssd.ssd.head.BoxPredictor;
import io.mssd.ssd.head.ScoreFunction;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.Normalization;
import io.mssd.ssd.preprocess.PadToSquareResize;
import io.mssd.ssd.preprocess.Preprocessor;
import io.mssd.ssd.preprocess.StretchResize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * mssd's own model format: a folder with {@code model.json} (architecture layer by layer, input size
 * and preprocessing, anchors, box coder, score function, labels, post-processing defaults,
 * provenance) and {@code weights.safetensors} (float32, engine layout: convolution weights
 * [Cout][Cin/groups][kh][kw], biases [Cout]; each tensor named as in the model file it came from).
 * Any float model of convolutions and ReLU/ReLU6 can be written; reading checks every tensor's
 * shape against its layer and names the file and field of anything that does not fit.
 */
public final class MssdModelFormat {
    public static final String MODEL_JSON = "model.json", WEIGHTS = "weights.safetensors";
    static final String FORMAT = "mssd-ssd";
    static final long MAX_JSON_BYTES = 64L << 20;

    private MssdModelFormat() {}

    /** True when {@code dir} is a folder holding a model.json. */
    public static boolean isModelDir(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(MODEL_JSON));
    }

    /** Writes {@code model} into {@code dir} (created if needed); provenance is stored as given. */
    public static void write(SsdModel model, Path dir, JsonObject provenance) throws IOException {
        if (model.quantization() != null) {
            throw new IllegalArgumentException("model " + model.name() + " is quantised: export its float version");
        }
        if (model.decodedOutputs() != null) {
            throw new IllegalArgumentException("model " + model.name() + " decodes boxes inside its graph (an ONNX export): mssd's format cannot hold it");
        }
        Files.createDirectories(dir);
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", 1);
        root.addProperty("name", model.name());
        JsonObject input = new JsonObject();
        input.addProperty("height", model.inputShape().h());
        input.addProperty("width", model.inputShape().w());
        input.add("preprocessing", preprocessing(model.preprocessor()));
        root.add("input", input);
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        JsonArray layers = new JsonArray();
        Shape[] shapes = model.network().shapes(model.inputShape());
        for (Network.Node node : model.network().nodes()) {
            Layer l = node.layer();
            JsonObject o = new JsonObject();
            o.addProperty("name", l.name());
            if (node.input() >= 0) o.addProperty("input", model.network().nodes().get(node.input()).layer().name());
            if (l instanceof Convolution c) {
                ConvSpec s = c.spec();
                o.addProperty("type", "conv");
                o.addProperty("cin", s.cin());
                o.addProperty("cout", s.cout());
                o.addProperty("kh", s.kh());
                o.addProperty("kw", s.kw());
                o.addProperty("stride", s.stride());
                o.addProperty("groups", s.groups());
                if (s.padding().kind() == Padding.Kind.SAME) {
                    o.addProperty("padding", "same");
                } else {
                    JsonArray p = new JsonArray();
                    p.add(s.padding().padH());
                    p.add(s.padding().padW());
                    o.add("padding", p);
                }
                o.addProperty("activation", c.activation().name().toLowerCase(Locale.ROOT));
                String wn = model.sourceName(l.name(), "weights");
                o.addProperty("weights", wn);
                put(tensors, wn, new int[] {s.cout(), s.cin() / s.groups(), s.kh(), s.kw()}, c.weights(), l.name());
                if (c.bias() != null) {
                    String bn = model.sourceName(l.name(), "bias");
                    o.addProperty("bias", bn);
                    put(tensors, bn, new int[] {s.cout()}, c.bias(), l.name());
                }
            } else if (l instanceof ActivationLayer a) {
                o.addProperty("type", "activation");
                o.addProperty("activation", a.activation().name().toLowerCase(Locale.ROOT));
            } else if (l instanceof BroadcastBinary sum && node.extraInputs().length == 1 && node.input() >= 0 && node.extraInputs()[0] >= 0
                    && sum.isResidualSum(shapes[node.input()], shapes[node.extraInputs()[0]])) {
                o.addProperty("type", "add"); // a residual sum: input + input2
                o.addProperty("input2", model.network().nodes().get(node.extraInputs()[0]).layer().name());
                o.addProperty("activation", "none");
            } else {
                throw new IllegalArgumentException("model " + model.name() + ": layer " + l.name() + " (" + l.type()
                        + ") cannot be written in mssd's format (convolutions, ReLU/ReLU6 and residual sums only)");
            }
            layers.add(o);
        }
        root.add("layers", layers);
        JsonArray preds = new JsonArray();
        for (BoxPredictor p : model.predictors()) {
            JsonObject o = new JsonObject();
            o.addProperty("feature", p.featureLayer());
            o.addProperty("box", p.boxLayer());
            o.addProperty("class", p.classLayer());
            o.addProperty("anchors_per_cell", p.anchorsPerCell());
            preds.add(o);
        }
        root.add("predictors", preds);
        JsonObject anchors = new JsonObject();
        anchors.addProperty("layout", "cy,cx,h,w (normalised)");
        JsonArray av = new JsonArray();
        for (float v : model.anchors().centerSize()) av.add(v);
        anchors.add("values", av);
        root.add("anchors", anchors);
        root.add("box_coder", coder(model.coder()));
        root.addProperty("scores", model.scoreFunction().name().toLowerCase(Locale.ROOT));
        root.addProperty("logits_per_anchor", model.logitsPerAnchor());
        root.addProperty("label_offset", model.labelOffset());
        JsonArray labels = new JsonArray();
        model.labels().forEach(labels::add);
        root.add("labels", labels);
        JsonObject post = new JsonObject();
        post.addProperty("nms", model.nmsStrategy() == PostProcessor.Strategy.BEST_CLASS ? "best-class" : "per-class");
        post.addProperty("pre_nms_top_k", model.preNmsTopK());
        post.addProperty("min_score", model.defaults().minScore());
        post.addProperty("iou", model.defaults().iouThreshold());
        post.addProperty("max_detections", model.defaults().maxResults());
        root.add("postprocess", post);
        root.add("provenance", provenance == null ? new JsonObject() : provenance);
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
        Path tmp = dir.resolve(MODEL_JSON + ".tmp");
        Files.writeString(tmp, gson.toJson(root), StandardCharsets.UTF_8);
        SafeTensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        Files.move(tmp, dir.resolve(MODEL_JSON), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void put(Map<String, SafeTensors.Entry> t, String name, int[] shape, float[] v, String layer) {
        if (t.containsKey(name)) throw new IllegalArgumentException("two tensors named '" + name + "' (layer " + layer + ")");
        t.put(name, new SafeTensors.Entry(shape, v.clone()));
    }

    private static JsonObject preprocessing(Preprocessor p) {
        JsonObject o = new JsonObject();
        Normalization n;
        if (p instanceof StretchResize s) {
            o.addProperty("resize", "stretch");
            n = s.normalization();
        } else if (p instanceof PadToSquareResize s) {
            o.addProperty("resize", "pad-square");
            n = s.normalization();
        } else {
            throw new IllegalArgumentException("preprocessing " + p.getClass().getSimpleName() + " cannot be written in mssd's format");
        }
        o.addProperty("mean", n.mean());
        o.addProperty("scale", n.scale());
        o.addProperty("bgr", n.bgr());
        return o;
    }

    private static JsonObject coder(BoxCoder c) {
        if (!(c instanceof CenterSizeBoxCoder cs)) throw new IllegalArgumentException("box coder " + c + " cannot be written");
        JsonObject o = new JsonObject();
        o.addProperty("type", "center-size");
        o.addProperty("order", cs.order() == CenterSizeBoxCoder.Order.YXHW ? "yxhw" : "xywh");
        JsonArray s = new JsonArray();
        s.add(cs.yScale());
        s.add(cs.xScale());
        s.add(cs.hScale());
        s.add(cs.wScale());
        o.add("scales_yxhw", s);
        return o;
    }

    /** The provenance object of a model folder (empty if none). */
    public static JsonObject provenance(Path dir) throws IOException {
        JsonObject root = json(dir.resolve(MODEL_JSON));
        return root.has("provenance") && root.get("provenance").isJsonObject() ? root.getAsJsonObject("provenance") : new JsonObject();
    }

    static JsonObject json(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
        if (Files.size(file) > MAX_JSON_BYTES) throw new ModelFormatException(file.toString(), "", "larger than " + MAX_JSON_BYTES + " bytes");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ModelFormatException(file.toString(), "", "not UTF-8 text (" + e.getMessage() + ")", e);
        }
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) throw new ModelFormatException(file.toString(), "$", "expected a JSON object");
            return e.getAsJsonObject();
        } catch (com.google.gson.JsonParseException | IllegalStateException e) {
            throw new ModelFormatException(file.toString(), "$", "malformed JSON: " + e.getMessage(), e);
        }
    }

    /** Reads a model folder written by {@link #write}. */
    public static SsdModel read(Path dir) throws IOException {
        Path jf = dir.resolve(MODEL_JSON);
        String f = jf.toString();
        JsonObject root = json(jf);
        Fields r = new Fields(f);
        if (!FORMAT.equals(r.string(root, "format"))) throw new ModelFormatException(f, "format", "expected \"" + FORMAT + "\"");
        int version = r.integer(root, "version", 1, 1);
        assert version == 1;
        JsonObject input = r.object(root, "input");
        int h = r.integer(input, "height", 1, 4096), w = r.integer(input, "width", 1, 4096);
        JsonObject pre = r.object(input, "preprocessing");
        Normalization norm = new Normalization(r.number(pre, "mean"), r.number(pre, "scale"), r.bool(pre, "bgr"));
        Preprocessor preprocessor = switch (r.string(pre, "resize")) {
            case "stretch" -> new StretchResize(norm);
            case "pad-square" -> new PadToSquareResize(norm);
            default -> throw new ModelFormatException(f, "input.preprocessing.resize", "expected \"stretch\" or \"pad-square\"");
        };
        Map<String, SafeTensors.Entry> tensors = SafeTensors.read(dir.resolve(WEIGHTS));
        Network.Builder nb = Network.builder();
        Map<String, String> sourceNames = new LinkedHashMap<>();
        Map<String, Integer> channels = new LinkedHashMap<>(), index = new HashMap<>();
        JsonArray layers = r.array(root, "layers");
        if (layers.isEmpty()) throw new ModelFormatException(f, "layers", "no layers");
        for (int i = 0; i < layers.size(); i++) {
            String at = "layers[" + i + "]";
            if (!layers.get(i).isJsonObject()) throw new ModelFormatException(f, at, "expected an object");
            JsonObject o = layers.get(i).getAsJsonObject();
            String name = r.string(o, "name", at);
            String in = o.has("input") ? r.string(o, "input", at) : null;
            if (in != null && !channels.containsKey(in)) throw new ModelFormatException(f, at + ".input", "'" + in + "' is not an earlier layer");
            int inC = in == null ? 3 : channels.get(in);
            Activation act = activation(r.string(o, "activation", at), f, at);
            Layer layer;
            switch (r.string(o, "type", at)) {
                case "conv" -> {
                    int cin = r.integer(o, "cin", 1, 1 << 16, at), cout = r.integer(o, "cout", 1, 1 << 16, at);
                    int kh = r.integer(o, "kh", 1, 64, at), kw = r.integer(o, "kw", 1, 64, at);
                    int stride = r.integer(o, "stride", 1, 64, at), groups = r.integer(o, "groups", 1, 1 << 16, at);
                    if (cin != inC) throw new ModelFormatException(f, at + ".cin", cin + " but its input has " + inC + " channels");
                    Padding pad;
                    JsonElement p = o.get("padding");
                    if (p != null && p.isJsonPrimitive() && "same".equals(p.getAsString())) pad = Padding.SAME;
                    else if (p != null && p.isJsonArray() && p.getAsJsonArray().size() == 2) {
                        pad = Padding.explicit(r.integer(p.getAsJsonArray().get(0), at + ".padding[0]", 0, 64),
                                r.integer(p.getAsJsonArray().get(1), at + ".padding[1]", 0, 64));
                    } else throw new ModelFormatException(f, at + ".padding", "expected \"same\" or [padH, padW]");
                    ConvSpec spec;
                    try {
                        spec = new ConvSpec(cin, cout, kh, kw, stride, groups, pad);
                    } catch (IllegalArgumentException e) {
                        throw new ModelFormatException(f, at, e.getMessage());
                    }
                    String wn = r.string(o, "weights", at);
                    float[] wv = tensor(tensors, wn, new int[] {cout, cin / groups, kh, kw}, dir, at + ".weights");
                    float[] bv = null;
                    if (o.has("bias")) {
                        String bn = r.string(o, "bias", at);
                        bv = tensor(tensors, bn, new int[] {cout}, dir, at + ".bias");
                        sourceNames.put(name + "/bias", bn);
                    }
                    sourceNames.put(name + "/weights", wn);
                    layer = Convolution.of(name, spec, wv, bv, act);
                    channels.put(name, cout);
                }
                case "activation" -> {
                    layer = new ActivationLayer(name, act);
                    channels.put(name, inC);
                }
                case "add" -> {
                    String in2 = r.string(o, "input2", at);
                    if (in == null || !channels.containsKey(in2)) throw new ModelFormatException(f, at, "a residual sum needs input and input2, earlier layers");
                    if (channels.get(in2) != inC) throw new ModelFormatException(f, at + ".input2", "'" + in2 + "' has " + channels.get(in2) + " channels, input has " + inC);
                    layer = new BroadcastBinary(name, BroadcastBinary.Op.ADD);
                    channels.put(name, inC);
                }
                default -> throw new ModelFormatException(f, at + ".type", "expected \"conv\", \"activation\" or \"add\"");
            }
            try {
                int first = in == null ? -1 : index.get(in);
                nb.add(layer, layer instanceof BroadcastBinary ? new int[] {first, index.get(r.string(o, "input2", at))} : new int[] {first});
                index.put(name, nb.size() - 1);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(f, at, e.getMessage());
            }
        }
        Network net = nb.build();
        Shape inShape = Shape.of(1, 3, h, w);
        try {
            net.shapes(inShape);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f, "layers", e.getMessage());
        }
        List<BoxPredictor> predictors = new ArrayList<>();
        JsonArray preds = r.array(root, "predictors");
        for (int i = 0; i < preds.size(); i++) {
            String at = "predictors[" + i + "]";
            if (!preds.get(i).isJsonObject()) throw new ModelFormatException(f, at, "expected an object");
            JsonObject o = preds.get(i).getAsJsonObject();
            predictors.add(new BoxPredictor(r.string(o, "feature", at), layerName(net, r.string(o, "box", at), f, at + ".box"),
                    layerName(net, r.string(o, "class", at), f, at + ".class"), r.integer(o, "anchors_per_cell", 1, 1024, at)));
        }
        JsonArray av = r.array(r.object(root, "anchors"), "values");
        if (av.size() % 4 != 0) throw new ModelFormatException(f, "anchors.values", av.size() + " numbers, expected a multiple of 4");
        float[] anchors = new float[av.size()];
        for (int i = 0; i < anchors.length; i++) anchors[i] = (float) r.number(av.get(i), "anchors.values[" + i + "]");
        JsonObject bc = r.object(root, "box_coder");
        if (!"center-size".equals(r.string(bc, "type", "box_coder"))) throw new ModelFormatException(f, "box_coder.type", "expected \"center-size\"");
        JsonArray sc = r.array(bc, "scales_yxhw");
        if (sc.size() != 4) throw new ModelFormatException(f, "box_coder.scales_yxhw", "expected 4 numbers");
        CenterSizeBoxCoder.Order order = switch (r.string(bc, "order", "box_coder")) {
            case "yxhw" -> CenterSizeBoxCoder.Order.YXHW;
            case "xywh" -> CenterSizeBoxCoder.Order.XYWH;
            default -> throw new ModelFormatException(f, "box_coder.order", "expected \"yxhw\" or \"xywh\"");
        };
        CenterSizeBoxCoder coder = new CenterSizeBoxCoder((float) r.number(sc.get(0), "box_coder.scales_yxhw[0]"),
                (float) r.number(sc.get(1), "box_coder.scales_yxhw[1]"), (float) r.number(sc.get(2), "box_coder.scales_yxhw[2]"),
                (float) r.number(sc.get(3), "box_coder.scales_yxhw[3]"), order);
        ScoreFunction sf = switch (r.string(root, "scores")) {
            case "sigmoid" -> ScoreFunction.SIGMOID;
            case "softmax" -> ScoreFunction.SOFTMAX;
            default -> throw new ModelFormatException(f, "scores", "expected \"sigmoid\" or \"softmax\"");
        };
        List<String> labels = new ArrayList<>();
        JsonArray la = r.array(root, "labels");
        for (int i = 0; i < la.size(); i++) labels.add(r.string(la.get(i), "labels[" + i + "]"));
        JsonObject post = r.object(root, "postprocess");
        PostProcessor.Strategy strategy = switch (r.string(post, "nms", "postprocess")) {
            case "best-class" -> PostProcessor.Strategy.BEST_CLASS;
            case "per-class" -> PostProcessor.Strategy.PER_CLASS;
            default -> throw new ModelFormatException(f, "postprocess.nms", "expected \"best-class\" or \"per-class\"");
        };
        DetectorOptions defaults;
        try {
            defaults = new DetectorOptions((float) r.number(post, "min_score"), (float) r.number(post, "iou"),
                    r.integer(post, "max_detections", 1, 100000, "postprocess"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f, "postprocess", e.getMessage());
        }
        String name = root.has("name") ? r.string(root, "name") : dir.getFileName().toString();
        try {
            return new SsdModel(name, net, inShape, predictors, new Anchors(anchors), coder, sf,
                    r.integer(root, "logits_per_anchor", 1, 1 << 16, ""), r.integer(root, "label_offset", 0, 1 << 16, ""), labels,
                    preprocessor, strategy, r.integer(post, "pre_nms_top_k", 0, 1 << 20, "postprocess"), defaults, null, sourceNames);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f, "", e.getMessage());
        }
    }

    private static String layerName(Network net, String name, String f, String field) {
        try {
            net.indexOf(name);
            return name;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f, field, "no layer named '" + name + "'");
        }
    }

    private static float[] tensor(Map<String, SafeTensors.Entry> t, String name, int[] shape, Path dir, String field) {
        SafeTensors.Entry e = t.get(name);
        String file = dir.resolve(WEIGHTS).toString();
        if (e == null) throw new ModelFormatException(file, "tensor '" + name + "'", "missing (named by model.json " + field + ")");
        if (!java.util.Arrays.equals(e.shape(), shape)) {
            throw new ModelFormatException(file, "tensor '" + name + "'", "shape " + java.util.Arrays.toString(e.shape())
                    + ", model.json " + field + " needs " + java.util.Arrays.toString(shape));
        }
        return e.values();
    }

    private static Activation activation(String s, String f, String at) {
        return switch (s) {
            case "none" -> Activation.NONE;
            case "relu" -> Activation.RELU;
            case "relu6" -> Activation.RELU6;
            default -> throw new ModelFormatException(f, at + ".activation", "expected none, relu or relu6, got \"" + s + "\"");
        };
    }

    /** Typed access to JSON fields; every error names the file and the field. */
    private record Fields(String file) {
        JsonElement get(JsonObject o, String key, String at) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) throw new ModelFormatException(file, path(at, key), "missing");
            return e;
        }

        static String path(String at, String key) {
            return at == null || at.isEmpty() ? key : at + "." + key;
        }

        String string(JsonObject o, String key) {
            return string(o, key, "");
        }

        String string(JsonObject o, String key, String at) {
            return string(get(o, key, at), path(at, key));
        }

        String string(JsonElement e, String field) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new ModelFormatException(file, field, "expected a string");
            return e.getAsString();
        }

        boolean bool(JsonObject o, String key) {
            JsonElement e = get(o, key, "input.preprocessing");
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw new ModelFormatException(file, key, "expected true or false");
            return e.getAsBoolean();
        }

        float number(JsonObject o, String key) {
            return (float) number(get(o, key, ""), key);
        }

        double number(JsonElement e, String field) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new ModelFormatException(file, field, "expected a number");
            double v = e.getAsDouble();
            if (!Double.isFinite(v)) throw new ModelFormatException(file, field, "expected a finite number");
            return v;
        }

        int integer(JsonObject o, String key, int lo, int hi) {
            return integer(o, key, lo, hi, "");
        }

        int integer(JsonObject o, String key, int lo, int hi, String at) {
            return integer(get(o, key, at), path(at, key), lo, hi);
        }

        int integer(JsonElement e, String field, int lo, int hi) {
            double v = number(e, field);
            if (v != Math.rint(v) || v < lo || v > hi) throw new ModelFormatException(file, field, "expected a whole number in [" + lo + ", " + hi + "], got " + v);
            return (int) v;
        }

        JsonObject object(JsonObject o, String key) {
            JsonElement e = get(o, key, "");
            if (!e.isJsonObject()) throw new ModelFormatException(file, key, "expected an object");
            return e.getAsJsonObject();
        }

        JsonArray array(JsonObject o, String key) {
            JsonElement e = get(o, key, "");
            if (!e.isJsonArray()) throw new ModelFormatException(file, key, "expected an array");
            return e.getAsJsonArray();
        }
    }
}
