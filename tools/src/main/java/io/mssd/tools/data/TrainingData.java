package io.mssd.tools.data;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.train.TrainingSample;
import io.mssd.tools.image.MatImages;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Opens a dataset named on the command line and turns its annotations into training samples. */
public final class TrainingData {
    private TrainingData() {}

    /** A VOC folder, or coco:ANNOTATIONS.json,IMAGES_DIR. */
    public static List<LabelledImage> open(String spec) throws IOException {
        if (spec.startsWith("coco:")) {
            String[] parts = spec.substring(5).split(",");
            if (parts.length != 2) throw new IllegalArgumentException("dataset '" + spec + "': expected coco:ANNOTATIONS.json,IMAGES_DIR");
            return CocoTrainingSet.read(Path.of(parts[0].strip()), Path.of(parts[1].strip()));
        }
        return VocDataset.read(Path.of(spec));
    }

    /** Class names in order of first appearance. */
    public static List<String> classNames(List<LabelledImage> data) {
        LinkedHashSet<String> s = new LinkedHashSet<>();
        for (LabelledImage im : data) s.addAll(im.classes());
        return new ArrayList<>(s);
    }

    /**
     * Label index of each class name of the data in {@code labels} (case-insensitive); an unknown class
     * is an error naming the file and the class.
     */
    public static int[] labelIndices(LabelledImage im, List<String> labels) {
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) idx.putIfAbsent(labels.get(i).toLowerCase(Locale.ROOT), i);
        int[] out = new int[im.classes().size()];
        for (int i = 0; i < out.length; i++) {
            Integer k = idx.get(im.classes().get(i).toLowerCase(Locale.ROOT));
            if (k == null) {
                throw new IllegalArgumentException(im.source() + ": class '" + im.classes().get(i) + "' is not one of the model's "
                        + labels.size() + " labels (" + String.join(", ", labels.subList(0, Math.min(10, labels.size())))
                        + (labels.size() > 10 ? ", ..." : "") + ")");
            }
            out[i] = k;
        }
        return out;
    }

    /** Decodes the image and clips the boxes to its real size. */
    public static TrainingSample decode(LabelledImage im, List<String> labels) {
        RgbImage img = MatImages.read(im.image());
        float[] b = im.boxes().clone();
        for (int i = 0; i < b.length; i += 4) {
            float[] c = LabelledImage.clip(b[i], b[i + 1], b[i + 2], b[i + 3], img.width(), img.height(), im.source(), "box " + i / 4);
            System.arraycopy(c, 0, b, i, 4);
        }
        return new TrainingSample(im.source(), img, b, labelIndices(im, labels));
    }
}
