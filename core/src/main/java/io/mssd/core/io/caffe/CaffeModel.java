package io.mssd.core.io.caffe;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.ProtoWire;
import io.mssd.core.io.WeightTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Caffe network: the deploy prototxt (layers, parameters) and the binary caffemodel's blobs by
 * layer name. Reads NetParameter.layer (field 100, the current format); the pre-2015 V1 "layers"
 * field is rejected with a clear error.
 */
public final class CaffeModel {
    /** One prototxt layer: name, type, bottoms, tops and the whole message for its *_param fields. */
    public record Layer(String name, String type, List<String> bottoms, List<String> tops, TextMessage params) {}

    private final String prototxtFile, weightsFile;
    private final TextMessage net;
    private final List<Layer> layers;
    private final Map<String, List<WeightTensor>> blobs;

    private CaffeModel(String prototxtFile, String weightsFile, TextMessage net, List<Layer> layers,
                       Map<String, List<WeightTensor>> blobs) {
        this.prototxtFile = prototxtFile;
        this.weightsFile = weightsFile;
        this.net = net;
        this.layers = layers;
        this.blobs = blobs;
    }

    public static CaffeModel read(Path prototxt, Path caffemodel) throws IOException {
        String text;
        byte[] bin;
        try {
            text = Files.readString(prototxt);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(prototxt.toString(), null, "file not found");
        }
        try {
            bin = Files.readAllBytes(caffemodel);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(caffemodel.toString(), null, "file not found");
        }
        return parse(text, prototxt.toString(), bin, caffemodel.toString());
    }

    public static CaffeModel parse(String prototxt, String prototxtFile, byte[] caffemodel, String weightsFile) {
        TextMessage net = PrototxtParser.parse(prototxt, prototxtFile);
        if (net.has("layers")) {
            throw new ModelFormatException(prototxtFile, "layers", "the V1 layer format is not supported (upgrade the net with"
                    + " Caffe's upgrade_net_proto_text)");
        }
        List<Layer> layers = new ArrayList<>();
        for (TextMessage l : net.messages("layer")) {
            String name = l.string("name", null), type = l.string("type", null);
            if (name == null) throw new ModelFormatException(prototxtFile, "layer[" + layers.size() + "]", "has no name");
            if (type == null) throw new ModelFormatException(prototxtFile, "layer " + name, "has no type");
            layers.add(new Layer(name, type, l.strings("bottom"), l.strings("top"), l));
        }
        return new CaffeModel(prototxtFile, weightsFile, net, layers, readBlobs(caffemodel, weightsFile));
    }

    private static Map<String, List<WeightTensor>> readBlobs(byte[] bin, String file) {
        Map<String, List<WeightTensor>> out = new LinkedHashMap<>();
        try {
            ProtoWire.Reader r = new ProtoWire.Reader(bin, 0, bin.length);
            while (r.more()) {
                int tag = r.tag();
                int field = tag >>> 3, wire = tag & 7;
                if (field == 100 && wire == ProtoWire.LENGTH) {
                    readLayer(r.sub(), out, file);
                } else if (field == 2 && wire == ProtoWire.LENGTH) {
                    throw new ModelFormatException(file, "layers", "the V1 layer format is not supported (upgrade the model"
                            + " with Caffe's upgrade_net_proto_binary)");
                } else {
                    r.skip(wire);
                }
            }
        } catch (IllegalStateException e) {
            throw new ModelFormatException(file, null, "not a valid caffemodel: " + e.getMessage());
        }
        return out;
    }

    private static void readLayer(ProtoWire.Reader r, Map<String, List<WeightTensor>> out, String file) {
        String name = null;
        List<ProtoWire.Reader> blobReaders = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3, wire = tag & 7;
            if (field == 1 && wire == ProtoWire.LENGTH) name = r.string();
            else if (field == 7 && wire == ProtoWire.LENGTH) blobReaders.add(r.sub());
            else r.skip(wire);
        }
        if (name == null) throw new ModelFormatException(file, "layer", "a layer has no name");
        List<WeightTensor> blobs = new ArrayList<>();
        for (int i = 0; i < blobReaders.size(); i++) blobs.add(readBlob(blobReaders.get(i), name + "/blob" + i, file));
        out.put(name, blobs);
    }

    private static WeightTensor readBlob(ProtoWire.Reader r, String name, String file) {
        List<Long> dims = new ArrayList<>();
        long[] legacy = {-1, -1, -1, -1};
        float[] data = new float[0];
        int n = 0;
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3, wire = tag & 7;
            switch (field) {
                case 1, 2, 3, 4 -> {
                    if (wire != ProtoWire.VARINT) throw new ModelFormatException(file, name, "bad legacy dimension field");
                    legacy[field - 1] = r.varint();
                }
                case 7 -> { // BlobShape { repeated int64 dim = 1 [packed] }
                    ProtoWire.Reader s = r.sub();
                    while (s.more()) {
                        int t = s.tag();
                        if ((t >>> 3) == 1 && (t & 7) == ProtoWire.LENGTH) {
                            ProtoWire.Reader p = s.sub();
                            while (p.more()) dims.add(p.varint());
                        } else if ((t >>> 3) == 1) {
                            dims.add(s.varint());
                        } else {
                            s.skip(t & 7);
                        }
                    }
                }
                case 5 -> { // repeated float data [packed]
                    if (wire == ProtoWire.LENGTH) {
                        ProtoWire.Reader p = r.sub();
                        int count = p.remaining() / 4;
                        if (n + count > data.length) data = java.util.Arrays.copyOf(data, n + count);
                        while (p.more()) data[n++] = p.fixed32Float();
                    } else {
                        if (n == data.length) data = java.util.Arrays.copyOf(data, Math.max(16, n * 2));
                        data[n++] = r.fixed32Float();
                    }
                }
                case 8 -> { // repeated double double_data [packed]
                    ProtoWire.Reader p = r.sub();
                    while (p.more()) {
                        if (n == data.length) data = java.util.Arrays.copyOf(data, Math.max(16, n * 2));
                        data[n++] = (float) p.fixed64Double();
                    }
                }
                default -> r.skip(wire);
            }
        }
        int[] shape;
        if (!dims.isEmpty()) {
            shape = dims.stream().mapToInt(Long::intValue).toArray();
        } else if (legacy[0] >= 0 || legacy[1] >= 0 || legacy[2] >= 0 || legacy[3] >= 0) {
            shape = new int[] {(int) Math.max(1, legacy[0]), (int) Math.max(1, legacy[1]), (int) Math.max(1, legacy[2]),
                (int) Math.max(1, legacy[3])};
        } else {
            shape = new int[] {n};
        }
        long count = 1;
        for (int d : shape) count *= d;
        if (count != n) {
            throw new ModelFormatException(file, name, "shape " + java.util.Arrays.toString(shape) + " needs " + count
                    + " values but the file holds " + n + " (truncated or corrupt caffemodel?)");
        }
        return new WeightTensor(name, shape, n == data.length ? data : java.util.Arrays.copyOf(data, n));
    }

    public String prototxtFile() {
        return prototxtFile;
    }

    public String weightsFile() {
        return weightsFile;
    }

    public TextMessage net() {
        return net;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The blobs of a layer (empty list if the caffemodel has none for it). */
    public List<WeightTensor> blobs(String layer) {
        return blobs.getOrDefault(layer, List.of());
    }

    public boolean hasBlobs(String layer) {
        return blobs.containsKey(layer);
    }
}
