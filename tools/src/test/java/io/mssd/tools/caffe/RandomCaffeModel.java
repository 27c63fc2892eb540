package io.mssd.tools.caffe;

import io.mssd.core.io.caffe.CaffeModel;
import io.mssd.core.io.caffe.PrototxtParser;
import io.mssd.core.io.ProtoWire;
import io.mssd.core.io.caffe.TextMessage;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a caffemodel with seeded random weights for a deploy prototxt, the way the fixture's was
 * made: conv weights ~ N(0, sqrt(2 / fan_in)), biases ~ N(0, 0.05), *_mbox_conf weights x 1.2 so
 * that the net yields many varied detections.
 */
final class RandomCaffeModel {
    private RandomCaffeModel() {}

    static byte[] write(String prototxt, long seed) {
        return write(prototxt, seed, 3.0);
    }

    /** confGain: gain on the class-score convolutions, so that the random net gives tens of varied detections. */
    static byte[] write(String prototxt, long seed, double confGain) {
        TextMessage net = PrototxtParser.parse(prototxt, "prototxt");
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Integer> channels = new HashMap<>();
        TextMessage shape = net.message("input_shape");
        channels.put(net.string("input", "data"), shape.numbers("dim").get(1).intValue());
        ProtoWire.Writer out = new ProtoWire.Writer();
        for (TextMessage l : net.messages("layer")) {
            String type = l.string("type", ""), name = l.string("name", "");
            String bottom = l.strings("bottom").isEmpty() ? null : l.strings("bottom").get(0);
            String top = l.strings("top").isEmpty() ? null : l.strings("top").get(0);
            if (!type.equals("Convolution")) {
                if (bottom != null && top != null && channels.containsKey(bottom)) channels.put(top, channels.get(bottom));
                continue;
            }
            TextMessage p = l.message("convolution_param");
            int cout = (int) p.number("num_output", 0), k = p.numbers("kernel_size").get(0).intValue();
            int group = (int) p.number("group", 1), cin = channels.get(bottom);
            int fanIn = cin / group * k * k;
            double std = Math.sqrt(2.0 / fanIn) * (name.endsWith("_mbox_conf") ? confGain : 1.0);
            float[] w = new float[cout * fanIn], b = new float[cout];
            for (int i = 0; i < w.length; i++) w[i] = (float) (gauss(rnd) * std);
            for (int i = 0; i < b.length; i++) b[i] = (float) (gauss(rnd) * 0.05);
            ProtoWire.Writer layer = new ProtoWire.Writer().string(1, name).string(2, type)
                    .message(7, blob(w, cout, cin / group, k, k)).message(7, blob(b, cout));
            out.message(100, layer);
            channels.put(top, cout);
        }
        return out.toByteArray();
    }

    static ProtoWire.Writer blob(float[] data, long... dims) {
        return new ProtoWire.Writer().message(7, new ProtoWire.Writer().packedVarints(1, dims)).packedFloats(5, data);
    }

    static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** The same net at half width: backbone and extra-layer convolutions get half the outputs (and groups). */
    static String halfWidth(String prototxt) {
        StringBuilder out = new StringBuilder();
        for (String block : prototxt.split("(?=\\nlayer \\{)")) {
            if (block.contains("type: \"Convolution\"") && !block.contains("_mbox_")) {
                block = scale(block, "num_output: ");
                block = scale(block, "group: ");
            }
            out.append(block);
        }
        return out.toString();
    }

    private static String scale(String block, String key) {
        int i = block.indexOf(key);
        if (i < 0) return block;
        int j = i + key.length(), e = j;
        while (e < block.length() && Character.isDigit(block.charAt(e))) e++;
        int v = Integer.parseInt(block.substring(j, e));
        return block.substring(0, j) + (v / 2) + block.substring(e);
    }

    static CaffeModel model(String prototxt, byte[] weights) {
        return CaffeModel.parse(prototxt, "deploy.prototxt", weights, "random.caffemodel");
    }
}
