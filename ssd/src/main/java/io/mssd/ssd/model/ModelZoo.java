package io.mssd.ssd.model;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.TfjsWeights;
import io.mssd.ssd.DetectorOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named models and model files. {@link #load} takes a zoo name ({@value #FACE}), a model folder in
 * mssd's format (model.json + weights.safetensors), a path to a TF.js weights manifest / model.json
 * in the SSD-MobileNetV1 layout, tflite:FILE, caffe:DEPLOY.prototxt,WEIGHTS.caffemodel, or onnx:FILE
 * (a pytorch-ssd / jetson-inference export).
 */
public final class ModelZoo {
    public static final String FACE = "face-ssd-mobilenetv1";
    public static final String COCO = "coco-ssd-mobilenetv1";
    /** The general COCO detector: what `detect`, `video`, `eval`, `bench` and the viewer run unless told otherwise. */
    public static final String DEFAULT = COCO;

    private static final String COCO_DIR = "/io/mssd/ssd/models/coco-ssd-mobilenetv1/";
    private static final Map<String, String> COCO_SHA256 = Map.of(
            "detect.tflite", "e4b118e5e4531945de2e659742c7c590f7536f8d0ed26d135abcfe83b4779d13",
            "labelmap.txt", "c7e79c855f73cbba9f33d649d60e1676eb0a974021a41696d1ac0d4b7f7e0211");

    private static final String FACE_DIR = "/io/mssd/ssd/models/face-ssd-mobilenetv1/";
    private static final String FACE_MANIFEST = "ssd_mobilenetv1_model-weights_manifest.json";
    private static final String FACE_BIN = "ssd_mobilenetv1_model.bin";
    private static final Map<String, String> SHA256 = Map.of(
            FACE_MANIFEST, "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955",
            FACE_BIN, "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8");
    /** face-api's SsdMobilenetv1Options defaults (minConfidence 0.5, maxResults 100) and its fixed IoU 0.5. */
    public static final DetectorOptions FACE_DEFAULTS = new DetectorOptions(0.5f, 0.5f, 100);

    private ModelZoo() {}

    /** Zoo names with a one-line description. */
    public static Map<String, String> models() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(COCO, "TensorFlow's quantised COCO SSD-MobileNetV1 (300x300, 90 classes, Apache-2.0); embedded, the default");
        m.put(FACE, "SSD-MobileNetV1 face detector, 512x512, TF.js weights from @vladmandic/face-api 1.7.15 (MIT); embedded");
        m.put("tflite:PATH/detect.tflite", "a quantised TFLite SSD such as TensorFlow's COCO SSD-MobileNetV1 (300x300, 90 classes; labelmap.txt beside it or --labels)");
        m.put("DIR", "a model folder written by `mssd train` or `mssd export` (model.json + weights.safetensors)");
        m.put("onnx:PATH/model.onnx", "an SSD exported by pytorch-ssd or jetson-inference (MobileNetV1-SSD, MobileNetV2-SSD-Lite; labels.txt beside it or --labels)");
        m.put("caffe:DEPLOY.prototxt,WEIGHTS.caffemodel", "a Caffe SSD such as chuanqi305's MobileNet-SSD (300x300, 20 VOC classes); bring your own files");
        return m;
    }

    public static SsdModel load(String spec) throws IOException {
        return load(spec, null);
    }

    /** labels: a label map file (one name a line, "???" first as in TensorFlow's labelmap.txt), or null. */
    public static SsdModel load(String spec, Path labels) throws IOException {
        if (spec.equals(FACE)) return face();
        if (spec.equals(COCO)) return coco(false);
        if (spec.startsWith("tflite:")) return tflite(spec, labels, false);
        if (spec.startsWith("onnx:")) return OnnxSsdImporter.load(Path.of(spec.substring("onnx:".length()).strip()), labels);
        if (spec.startsWith("caffe:")) {
            String[] parts = spec.substring("caffe:".length()).split(",");
            if (parts.length != 2) {
                throw new IllegalArgumentException("model '" + spec + "': expected caffe:DEPLOY.prototxt,WEIGHTS.caffemodel");
            }
            Path proto = Path.of(parts[0].strip()), weights = Path.of(parts[1].strip());
            return CaffeSsdImporter.load(weights.getFileName().toString(), io.mssd.core.io.caffe.CaffeModel.read(proto, weights));
        }
        Path p = Path.of(spec);
        if (MssdModelFormat.isModelDir(p)) return MssdModelFormat.read(p);
        // the model.json of an mssd folder (what a file chooser returns) rather than a TF.js model.json
        if (p.getFileName() != null && p.getFileName().toString().equals(MssdModelFormat.MODEL_JSON) && p.getParent() != null
                && Files.isRegularFile(p.resolveSibling(MssdModelFormat.WEIGHTS))) {
            return MssdModelFormat.read(p.getParent());
        }
        if (Files.isRegularFile(p) && spec.endsWith(".json")) {
            return TfjsSsdMobileNetV1.load(p.getFileName().toString(), TfjsWeights.read(p), List.of("face"), 1, FACE_DEFAULTS);
        }
        if (Files.exists(p)) {
            throw new IllegalArgumentException("model '" + spec + "': not a known model file (expected a TF.js weights manifest or model.json)");
        }
        throw new IllegalArgumentException("unknown model '" + spec + "': not a zoo name (" + String.join(", ", models().keySet())
                + ") and no such file");
    }

    /**
     * A model as float, for training and export: a quantised tflite: model becomes the float model its
     * dequantised weights define ({@link TfliteSsdImporter#loadFloat}); other models are float already.
     */
    public static SsdModel loadFloat(String spec, Path labels) throws IOException {
        if (spec.equals(COCO)) return coco(true);
        if (spec.startsWith("tflite:")) return tflite(spec, labels, true);
        // an ONNX export decodes boxes in its graph: training and export take it back to predictors and priors
        if (spec.startsWith("onnx:")) return DecodedSsdUnwrapper.unwrap(load(spec, labels));
        return load(spec, labels);
    }

    /** tflite:FILE, its labels from --labels, else labelmap.txt beside it, else the built-in COCO names. */
    private static SsdModel tflite(String spec, Path labels, boolean asFloat) throws IOException {
        Path file = Path.of(spec.substring("tflite:".length()).strip());
        Path map = labels != null ? labels : file.resolveSibling("labelmap.txt");
        List<String> names = Files.isRegularFile(map) ? labelMap(map) : (labels != null ? labelMap(labels) : null);
        return importTflite(file.getFileName().toString(), io.mssd.core.io.tflite.TfliteModel.read(file), names, asFloat);
    }

    private static SsdModel importTflite(String name, io.mssd.core.io.tflite.TfliteModel m, List<String> names, boolean asFloat) {
        return asFloat ? TfliteSsdImporter.loadFloat(name, m, names) : TfliteSsdImporter.load(name, m, names);
    }

    /** A TensorFlow label map: one name a line; a leading "???" (the background slot) is dropped. */
    static List<String> labelMap(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such label file");
        return labelMap(Files.readAllLines(file));
    }

    static List<String> labelMap(List<String> fileLines) {
        List<String> lines = new java.util.ArrayList<>(fileLines.stream().map(String::strip).toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        if (!lines.isEmpty() && lines.get(0).equals("???")) lines.remove(0);
        return lines;
    }

    /** The embedded face detector, its files checked against their published SHA-256. */
    public static SsdModel face() throws IOException {
        byte[] manifest = resource(FACE_MANIFEST);
        TfjsWeights w = TfjsWeights.read("embedded " + FACE + "/" + FACE_MANIFEST, new java.io.ByteArrayInputStream(manifest),
                name -> resource(name));
        return TfjsSsdMobileNetV1.load(FACE, w, List.of("face"), 1, FACE_DEFAULTS);
    }

    /** The embedded COCO detector (quantised; float = the model its dequantised weights define), files SHA-256-checked. */
    public static SsdModel coco(boolean asFloat) throws IOException {
        byte[] file = resource(COCO, COCO_DIR, "detect.tflite", COCO_SHA256);
        byte[] map = resource(COCO, COCO_DIR, "labelmap.txt", COCO_SHA256);
        List<String> names = labelMap(new String(map, java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        return importTflite(COCO, io.mssd.core.io.tflite.TfliteModel.parse(file, "embedded " + COCO + "/detect.tflite"), names, asFloat);
    }

    private static byte[] resource(String name) throws IOException {
        return resource(FACE, FACE_DIR, name, SHA256);
    }

    private static byte[] resource(String model, String dir, String name, Map<String, String> sha) throws IOException {
        try (InputStream in = ModelZoo.class.getResourceAsStream(dir + name)) {
            if (in == null) throw new ModelFormatException("embedded " + model, name, "resource is missing from the jar");
            byte[] b = in.readAllBytes();
            String want = sha.get(name);
            if (want != null && !want.equals(sha256(b))) {
                throw new ModelFormatException("embedded " + model, name, "SHA-256 " + sha256(b) + " differs from the published " + want);
            }
            return b;
        }
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
