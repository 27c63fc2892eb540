package io.mssd.tools.cli;

import com.google.gson.GsonBuilder;
import io.mssd.core.nn.Network;
import io.mssd.core.profile.ModelSummary;
import io.mssd.ssd.backbone.MobileNetV1;
import io.mssd.ssd.backbone.WeightSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mssd summary}: per-layer shapes, parameters and Mult-Adds of an architecture. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer table of output shapes, parameters and Mult-Adds (MobileNet paper accounting).")
public final class SummaryCommand implements Callable<Integer> {

    @Option(names = "--arch", defaultValue = "mobilenet_v1", description = "Architecture: mobilenet_v1 (default).")
    String arch;

    @Option(names = "--alpha", defaultValue = "1.0", description = "Width multiplier in (0, 1] (default 1.0).")
    double alpha;

    @Option(names = "--resolution", defaultValue = "224", description = "Input height and width (default 224).")
    int resolution;

    @Option(names = "--classes", defaultValue = "1000", description = "Classifier classes; 0 = backbone only (default 1000).")
    int classes;

    @Option(names = "--model", description = "Summarise this model's network instead (zoo name, tflite:, onnx:, caffe:, a model folder; see `mssd models`).")
    String model;

    @Option(names = "--labels", description = "Label file for --model (as in detect).")
    java.nio.file.Path labels;

    @Option(names = "--json", description = "Print JSON: {\"params\", \"mult_adds\", \"layers\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws java.io.IOException {
        ModelSummary s;
        String title;
        if (model != null) {
            io.mssd.ssd.model.SsdModel m = io.mssd.ssd.model.ModelZoo.load(model, labels);
            s = ModelSummary.of(m.network(), m.inputShape());
            title = "model " + m.name() + ", input " + m.inputShape() + ", " + m.labels().size() + " labels";
        } else {
            if (!arch.equals("mobilenet_v1")) {
                throw new IllegalArgumentException("unknown --arch '" + arch + "': known architectures: mobilenet_v1");
            }
            Network net = MobileNetV1.build(alpha, classes, WeightSource.zeros());
            s = ModelSummary.of(net, MobileNetV1.inputShape(resolution));
            title = String.format("%s alpha=%s resolution=%d classes=%d", arch, alpha, resolution, classes);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (model != null) {
                out.put("model", model);
                out.put("input", s.input().toArray());
            } else {
                out.put("arch", arch);
                out.put("alpha", alpha);
                out.put("resolution", resolution);
            }
            out.put("params", s.params());
            out.put("mult_adds", s.multAdds());
            out.put("pointwise_mult_adds_share", s.pointwiseMultAddShare());
            out.put("pointwise_params_share", s.pointwiseParamShare());
            List<Map<String, Object>> layers = new ArrayList<>();
            for (ModelSummary.Row r : s.rows()) {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("name", r.name());
                l.put("type", r.type());
                l.put("output", r.output().toArray());
                l.put("params", r.params());
                l.put("mult_adds", r.multAdds());
                layers.add(l);
            }
            out.put("layers", layers);
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(out));
        } else {
            System.out.println(title);
            System.out.print(s.table());
        }
        return 0;
    }
}
