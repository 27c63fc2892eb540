package io.mssd.tools.data;

import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO JSON file and its image folder as training data: images in the order of the JSON's
 * {@code images} array, each with its annotations except crowd ones ({@code iscrowd} = 1), boxes
 * converted from [x, y, w, h] to corners and clipped to the image, classes by category name.
 */
public final class CocoTrainingSet {
    private CocoTrainingSet() {}

    public static List<LabelledImage> read(Path annotations, Path imageDir) throws IOException {
        CocoDataset d = CocoJson.readDataset(annotations);
        String f = annotations.toString();
        Map<Long, String> cats = new HashMap<>();
        for (CocoDataset.Category c : d.categories()) cats.put(c.id(), c.name());
        Map<Long, List<Integer>> byImage = new HashMap<>();
        for (int i = 0; i < d.annotations().size(); i++) {
            CocoDataset.Annotation a = d.annotations().get(i);
            if (!cats.containsKey(a.categoryId())) {
                throw new IllegalArgumentException(f + ": annotations[" + i + "].category_id: " + a.categoryId() + " is not in categories");
            }
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(i);
        }
        List<LabelledImage> out = new ArrayList<>();
        for (int k = 0; k < d.images().size(); k++) {
            CocoDataset.Image im = d.images().get(k);
            Path file = imageDir.resolve(im.fileName());
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException(f + ": images[" + k + "].file_name: image " + file + " does not exist");
            List<float[]> boxes = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i : byImage.getOrDefault(im.id(), List.of())) {
                CocoDataset.Annotation a = d.annotations().get(i);
                if (a.iscrowd()) continue;
                boxes.add(LabelledImage.clip(a.x(), a.y(), a.x() + a.w(), a.y() + a.h(), im.width(), im.height(), f,
                        "annotations[" + i + "].bbox"));
                names.add(cats.get(a.categoryId()));
            }
            float[] flat = new float[boxes.size() * 4];
            for (int i = 0; i < boxes.size(); i++) System.arraycopy(boxes.get(i), 0, flat, i * 4, 4);
            out.add(new LabelledImage(file, im.width(), im.height(), flat, names, f + ": images[" + k + "]"));
        }
        return out;
    }
}
