package io.mssd.core.profile;

import io.mssd.core.nn.Layer;
import io.mssd.core.nn.Network;
import io.mssd.core.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-layer accounting of a network on one input shape: output shape, parameters and Mult-Adds,
 * counted as in the MobileNet paper (convolution weights without bias; BatchNorm folded away and
 * not counted; dense weights and biases), and the share spent in 1x1 convolutions.
 */
public record ModelSummary(Shape input, List<Row> rows, long params, long multAdds,
                           long pointwiseParams, long pointwiseMultAdds) {

    public record Row(String name, String type, Shape output, long params, long multAdds) {}

    public static ModelSummary of(Network network, Shape input) {
        Shape[] shapes = network.shapes(input);
        List<Row> rows = new ArrayList<>();
        long p = 0, m = 0, pp = 0, pm = 0;
        for (int i = 0; i < shapes.length; i++) {
            Network.Node node = network.nodes().get(i);
            Layer l = node.layer();
            Shape in = node.input() < 0 ? input : shapes[node.input()];
            long lp = l.params(), lm = l.multAdds(in);
            rows.add(new Row(l.name(), l.type(), shapes[i], lp, lm));
            p += lp;
            m += lm;
            if (l.isPointwise()) {
                pp += lp;
                pm += lm;
            }
        }
        return new ModelSummary(input, List.copyOf(rows), p, m, pp, pm);
    }

    public double pointwiseMultAddShare() {
        return multAdds == 0 ? 0 : (double) pointwiseMultAdds / multAdds;
    }

    public double pointwiseParamShare() {
        return params == 0 ? 0 : (double) pointwiseParams / params;
    }

    /** The human-readable table. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int nameW = 8;
        for (Row r : rows) nameW = Math.max(nameW, r.name().length());
        String fmt = "%-" + nameW + "s  %-18s  %-16s  %12s  %15s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "type", "output", "params", "mult-adds"));
        sb.append(String.format(Locale.ROOT, fmt, "input", "", input, "", ""));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.name(), r.type(), r.output(),
                    String.format(Locale.ROOT, "%,d", r.params()), String.format(Locale.ROOT, "%,d", r.multAdds())));
        }
        sb.append(String.format(Locale.ROOT, fmt, "total", "", "", String.format(Locale.ROOT, "%,d", params),
                String.format(Locale.ROOT, "%,d", multAdds)));
        sb.append(String.format(Locale.ROOT, "params: %,d (%.2fM)   mult-adds: %,d (%.2fM)%n", params, params / 1e6,
                multAdds, multAdds / 1e6));
        sb.append(String.format(Locale.ROOT, "1x1 convolutions: %.2f%% of mult-adds, %.2f%% of params%n",
                100 * pointwiseMultAddShare(), 100 * pointwiseParamShare()));
        return sb.toString();
    }
}
