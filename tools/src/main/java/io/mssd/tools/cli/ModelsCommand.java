package io.mssd.tools.cli;

import io.mssd.ssd.model.ModelZoo;
import picocli.CommandLine.Command;

import java.util.Map;

/** {@code mssd models}: the model zoo and the accepted model file forms. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the models mssd knows.")
public final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        for (Map.Entry<String, String> e : ModelZoo.models().entrySet()) {
            System.out.printf("%-24s %s%n", e.getKey(), e.getValue());
        }
        System.out.println();
        System.out.println("Model files: --model PATH/model.json or PATH/*weights_manifest.json (TF.js, SSD-MobileNetV1 layout)");
    }
}
