package io.mssd.tools.cli;

import com.google.gson.JsonObject;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.MssdModelFormat;
import io.mssd.ssd.model.SsdModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mssd export}: any loadable model as an mssd model folder (float). */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write a model in mssd's format: OUT/model.json + OUT/weights.safetensors (float32, tensors named as in the source file).",
        "A quantised tflite: model is written as the float model its dequantised weights define."})
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Zoo name, tflite:FILE, caffe:PROTOTXT,CAFFEMODEL, a TF.js manifest or a model folder.")
    String model;

    @Option(names = "--labels", description = "Label map for tflite: models (default: labelmap.txt beside the model).")
    Path labels;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SsdModel m = ModelZoo.loadFloat(model, labels);
        JsonObject p = new JsonObject();
        p.addProperty("source", model);
        Path src = sourceFile(model);
        if (src != null && Files.isRegularFile(src)) p.addProperty("source_sha256", ModelZoo.sha256(src));
        p.addProperty("created_by", "mssd export");
        p.addProperty("note", m.quantization() == null && model.startsWith("tflite:")
                ? "float model defined by the quantised file's dequantised weights (real = scale * (q - zero_point))" : "float weights as loaded");
        MssdModelFormat.write(m, out, p);
        System.out.println("wrote " + out.resolve(MssdModelFormat.MODEL_JSON) + " and " + out.resolve(MssdModelFormat.WEIGHTS)
                + " (" + m.network().nodes().size() + " layers, " + m.labels().size() + " labels)");
        return 0;
    }

    static Path sourceFile(String spec) {
        if (spec.startsWith("tflite:")) return Path.of(spec.substring(7).strip());
        if (spec.startsWith("caffe:")) return Path.of(spec.substring(6).split(",")[spec.substring(6).split(",").length - 1].strip());
        return null;
    }
}
