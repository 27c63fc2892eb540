package io.mssd.tools.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code --only person,car}: keep only detections of these labels (checked against the model's). */
public final class OnlyOption {
    @Option(names = "--only", split = ",", paramLabel = "LABEL", description = "Keep only these labels (e.g. person,car).")
    List<String> only;

    /** The labels to keep, or null for all; an unknown name is an error that lists the model's labels. */
    public Set<String> labels(List<String> modelLabels) {
        if (only == null) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String s : only) {
            String name = s.strip();
            if (!modelLabels.contains(name)) {
                throw new IllegalArgumentException("--only: '" + name + "' is not a label of this model; its labels: " + String.join(", ", modelLabels));
            }
            out.add(name);
        }
        return out;
    }
}
