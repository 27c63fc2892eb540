package io.mssd.spark;

import io.mssd.core.kernels.VectorSupport;
import io.mssd.ssd.Detector;
import io.mssd.ssd.model.ModelZoo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One detector per executor JVM and model, loaded on first use and shared by that JVM's task
 * threads (a Detector is thread-safe); never serialised with a task. Each detector computes on one
 * thread: Spark runs as many tasks as the executor has cores.
 */
public final class ExecutorDetectors {
    private static final Map<String, Detector> LOADED = new ConcurrentHashMap<>();

    private ExecutorDetectors() {}

    /** The detector for this model spec and label file (null: the model's own). */
    public static Detector get(String model, String labels) {
        return LOADED.computeIfAbsent(model + "\u0000" + labels, k -> {
            if (!VectorSupport.modulePresent()) {
                System.err.println("mssd spark: this executor has no jdk.incubator.vector module: the portable kernels run"
                        + " (add --add-modules=jdk.incubator.vector to spark.executor.extraJavaOptions)");
            }
            try {
                return new Detector(ModelZoo.load(model, labels == null ? null : Path.of(labels)), 1);
            } catch (IOException e) {
                throw new IllegalArgumentException("model " + model + ": " + e.getMessage(), e);
            }
        });
    }
}
