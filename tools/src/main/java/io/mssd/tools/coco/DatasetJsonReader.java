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
    private static final byte[] IMAGES = ascii("images"), ANNOTATIONS = ascii("annotations"), CATEGORIES = ascii("categories"),
            ID = ascii("id"), IMAGE_ID = ascii("image_id"), CATEGORY_ID = ascii("category_id"), BBOX = ascii("bbox"),
            AREA = ascii("area"), ISCROWD = ascii("iscrowd"), IGNORE = ascii("ignore"), WIDTH = ascii("width"),
            HEIGHT = ascii("height"), FILE_NAME = ascii("file_name"), NAME = ascii("name");
    /** The fields read from each kind of element, in the order of the switches below. */
    private static final byte[][] IMAGE_FIELDS = {ID, WIDTH, HEIGHT, FILE_NAME},
            ANNOTATION_FIELDS = {ID, IMAGE_ID, CATEGORY_ID, BBOX, AREA, ISCROWD, IGNORE}, CATEGORY_FIELDS = {ID, NAME};
    private static final String[] ANNOTATION_PATHS = {".id", ".image_id", ".category_id", ".bbox", ".area", ".iscrowd", ".ignore"};

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
        boolean seenImages = false, seenAnns = false, seenCats = false;
        skipWhitespace();
        if (!openList('{', '}', "expected an object with images, annotations and categories")) {
            started = true;
            while (true) {
                boolean escaped = fieldName();
                String name = escaped ? tokenString() : null;
                if (escaped ? name.equals("images") : matches(IMAGES)) {
                    seenImages = true;
                    section("images", 0);
                } else if (escaped ? name.equals("annotations") : matches(ANNOTATIONS)) {
                    seenAnns = true;
                    section("annotations", 1);
                } else if (escaped ? name.equals("categories") : matches(CATEGORIES)) {
                    seenCats = true;
                    section("categories", 2);
                } else {
                    section = tokenString(); // for errors inside it, e.g. "info"
                    skipValue();
                    section = null;
                }
                if (endOfList('}', "in the dataset object")) break;
            }
        }
        endOfDocument("the dataset object");
        if (!seenImages) throw error("images", "missing field (expected an array of images)");
        if (!seenAnns) throw error("annotations", "missing field (expected an array of annotations)");
        if (!seenCats) throw error("categories", "missing field (expected an array of categories)");
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

    /** The field name just read, matched against {@code names}: its index, or -1. */
    private int key(boolean escaped, byte[][] names) {
        if (escaped) {
            String s = tokenString();
            for (int i = 0; i < names.length; i++) if (s.equals(new String(names[i], java.nio.charset.StandardCharsets.US_ASCII))) return i;
            return -1;
        }
        for (int i = 0; i < names.length; i++) if (matches(names[i])) return i;
        return -1;
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
                    field = ".file_name";
                    fileName = stringValue();
                } else {
                    field = key == 0 ? ".id" : key == 1 ? ".width" : ".height";
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
                    field = ".bbox";
                    b = bbox();
                } else {
                    // one call of number() for every numeric field: the JIT inlines it once
                    field = ANNOTATION_PATHS[key];
                    int c = peek();
                    double v;
                    if (key >= 5 && (c == 't' || c == 'f')) {
                        v = booleanWord() ? 1 : 0;
                    } else {
                        // iscrowd and ignore: true, false or a number (not 0: true), as pycocotools reads them
                        if (key >= 5 && c != '-' && (c < '0' || c > '9') && c != '"' && c != 'N' && c != 'I') {
                            throw unexpected("expected true, false or a number", c);
                        }
                        v = number();
                    }
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
                    field = ".id";
                    id = idOf(number());
                    hasId = true;
                } else {
                    field = ".name";
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
