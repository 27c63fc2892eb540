package io.mssd.tools.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * A COCO instances file ({@code {images, annotations, categories, ...}}) read straight from bytes
 * ({@link JsonByteScanner}): the fields box evaluation needs are read, the rest (segmentation
 * polygons, info, licenses) skipped without building anything. Errors name the file, the JSON path
 * (e.g. {@code annotations[12].bbox[2]}) and what was expected.
 */
final class DatasetJsonReader extends JsonByteScanner {
    /** The arrays and the fields of each kind of element that are read, in the order of the code below. */
    private static final Fields SECTIONS = new Fields("images", "annotations", "categories"),
            IMAGE_FIELDS = new Fields("id", "width", "height", "file_name"),
            ANNOTATION_FIELDS = new Fields("id", "image_id", "category_id", "bbox", "area", "iscrowd", "ignore"),
            CATEGORY_FIELDS = new Fields("id", "name");

    private final List<CocoDataset.Image> images = new ArrayList<>();
    private final List<CocoDataset.Annotation> annotations = new ArrayList<>();
    private final List<CocoDataset.Category> categories = new ArrayList<>();

    private DatasetJsonReader(byte[] data, int length, String file) {
        super(data, 0, length, file);
    }

    /** The dataset in data[0, length). */
    static CocoDataset read(byte[] data, int length, String file) {
        return new DatasetJsonReader(data, length, file).read();
    }

    private CocoDataset read() {
        boolean[] seen = new boolean[SECTIONS.names.length];
        skipWhitespace();
        if (!openList('{', '}', "expected an object with images, annotations and categories")) {
            started = true;
            while (true) {
                int kind = key(fieldName(), SECTIONS);
                if (kind >= 0) {
                    seen[kind] = true;
                    section(SECTIONS.names[kind], kind);
                } else {
                    section = tokenString(); // for errors inside it, e.g. "info"
                    skipValue();
                    section = null;
                }
                if (endOfList('}', "in the dataset object")) break;
            }
        }
        endOfDocument("the dataset object");
        for (int kind = 0; kind < seen.length; kind++) {
            String name = SECTIONS.names[kind];
            if (!seen[kind]) throw error(name, "missing field (expected an array of " + name + ")");
        }
        return new CocoDataset(images, annotations, categories);
    }

    /** One of the three arrays; kind 0 images, 1 annotations, 2 categories. A repeated array adds to the first. */
    private void section(String name, int kind) {
        section = name;
        if (!openList('[', ']', "expected an array")) {
            for (int i = 0; ; i++) {
                index = i;
                field = null;
                switch (kind) {
                    case 0 -> images.add(image());
                    case 1 -> annotations.add(annotation());
                    default -> categories.add(category());
                }
                field = null;
                if (endOfList(']', "after an element")) break;
            }
        }
        section = null;
        index = -1;
        field = null;
    }

    private CocoDataset.Image image() {
        long id = 0;
        boolean hasId = false;
        int w = 0, h = 0;
        String fileName = null;
        if (!openList('{', '}', "expected an image object")) {
            while (true) {
                field = null;
                int key = key(fieldName(), IMAGE_FIELDS);
                if (key < 0) {
                    skipField();
                } else if (key == 3) {
                    field = IMAGE_FIELDS.paths[key];
                    fileName = stringValue();
                } else {
                    field = IMAGE_FIELDS.paths[key];
                    double v = number();
                    switch (key) {
                        case 0 -> {
                            id = idOf(v);
                            hasId = true;
                        }
                        case 1 -> w = (int) v;
                        default -> h = (int) v;
                    }
                }
                field = null;
                if (endOfList('}', "in an image object")) break;
            }
        }
        if (!hasId) throw error(path() + ".id", "missing field");
        return new CocoDataset.Image(id, w, h, fileName);
    }

    private CocoDataset.Annotation annotation() {
        long id = 0, img = 0, cat = 0;
        boolean hasId = false, hasImg = false, hasCat = false, hasArea = false, crowd = false, ignore = false;
        double[] b = null;
        double area = 0;
        if (!openList('{', '}', "expected an annotation object")) {
            while (true) {
                field = null;
                int key = key(fieldName(), ANNOTATION_FIELDS);
                if (key < 0) {
                    skipField();
                } else if (key == 3) {
                    field = ANNOTATION_FIELDS.paths[key];
                    b = bbox();
                } else {
                    // one call of number() for every numeric field: the JIT inlines it once
                    field = ANNOTATION_FIELDS.paths[key];
                    // iscrowd and ignore (5, 6): true, false or a number (not 0: true), as pycocotools reads them
                    boolean flag = key >= 5;
                    int c = peek();
                    double v = flag && (c == 't' || c == 'f') ? (booleanWord() ? 1 : 0)
                            : number(flag ? "expected true, false or a number" : "expected a number");
                    switch (key) {
                        case 0 -> {
                            id = idOf(v);
                            hasId = true;
                        }
                        case 1 -> {
                            img = idOf(v);
                            hasImg = true;
                        }
                        case 2 -> {
                            cat = idOf(v);
                            hasCat = true;
                        }
                        case 4 -> {
                            area = v;
                            hasArea = true;
                        }
                        case 5 -> crowd = v != 0;
                        default -> ignore = v != 0;
                    }
                }
                field = null;
                if (endOfList('}', "in an annotation object")) break;
            }
        }
        if (!hasId) throw error(path() + ".id", "missing field");
        if (!hasImg) throw error(path() + ".image_id", "missing field");
        if (!hasCat) throw error(path() + ".category_id", "missing field");
        if (b == null) throw error(path() + ".bbox", "missing field");
        if (!hasArea) throw error(path() + ".area", "missing field");
        return new CocoDataset.Annotation(id, img, cat, b[0], b[1], b[2], b[3], area, crowd, ignore);
    }

    /** At a word starting with t or f: true or false, else an error. */
    private boolean booleanWord() {
        String w = word();
        if (w.equals("true")) return true;
        if (w.equals("false")) return false;
        throw error(path(), "malformed JSON: unexpected '" + w + "'");
    }

    private CocoDataset.Category category() {
        long id = 0;
        boolean hasId = false;
        String name = null;
        if (!openList('{', '}', "expected a category object")) {
            while (true) {
                field = null;
                int key = key(fieldName(), CATEGORY_FIELDS);
                if (key < 0) {
                    skipField();
                } else if (key == 0) {
                    field = CATEGORY_FIELDS.paths[key];
                    id = idOf(number());
                    hasId = true;
                } else {
                    field = CATEGORY_FIELDS.paths[key];
                    name = stringValue();
                }
                field = null;
                if (endOfList('}', "in a category object")) break;
            }
        }
        if (!hasId) throw error(path() + ".id", "missing field");
        if (name == null) throw error(path() + ".name", "missing field");
        return new CocoDataset.Category(id, name);
    }
}
