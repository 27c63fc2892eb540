package io.mssd.tools.coco;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model label index -> dataset category id, by name (case-insensitive). Placeholder labels
 * ("???", "background", "") are not mapped; any other label without a category is an error,
 * unless the caller allows dropping its detections.
 */
public final class CategoryMapping {
    private final long[] categoryOf; // -1: not mapped

    private CategoryMapping(long[] categoryOf) {
        this.categoryOf = categoryOf;
    }

    public static CategoryMapping byName(List<String> labels, CocoDataset gt, boolean allowUnmapped) {
        Map<String, Long> ids = new HashMap<>();
        for (CocoDataset.Category c : gt.categories()) ids.put(c.name().toLowerCase(Locale.ROOT), c.id());
        long[] map = new long[labels.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i).toLowerCase(Locale.ROOT).strip();
            Long id = ids.get(l);
            map[i] = id == null ? -1 : id;
            if (id == null && !isPlaceholder(l)) missing.add(labels.get(i));
        }
        if (!missing.isEmpty() && !allowUnmapped) {
            throw new IllegalArgumentException("model labels map to no category of the dataset: " + String.join(", ",
                    missing.subList(0, Math.min(10, missing.size()))) + (missing.size() > 10 ? ", ..." : "")
                    + " (dataset categories: " + gt.categories().stream().limit(8).map(CocoDataset.Category::name).toList()
                    + (gt.categories().size() > 8 ? " ..." : "") + "); use --allow-unmapped to drop those detections");
        }
        return new CategoryMapping(map);
    }

    static boolean isPlaceholder(String l) {
        return l.isEmpty() || l.equals("???") || l.equals("background");
    }

    /** The category id of label index i, or -1. */
    public long categoryOf(int labelIndex) {
        return categoryOf[labelIndex];
    }
}
