package io.mssd.tools.coco;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Streaming readers for COCO ground truth and results files (plain or .gz). Large files are never
 * held as a JSON tree; every error names the file, the JSON path (e.g. annotations[12].bbox) and
 * what was expected.
 */
public final class CocoJson {
    private CocoJson() {}

    public static CocoDataset readDataset(Path file) throws IOException {
        return read(file, (r, f) -> {
            List<CocoDataset.Image> images = new ArrayList<>();
            List<CocoDataset.Annotation> anns = new ArrayList<>();
            List<CocoDataset.Category> cats = new ArrayList<>();
            boolean seenImages = false, seenAnns = false, seenCats = false;
            expect(r, f, "$", JsonToken.BEGIN_OBJECT, "an object with images, annotations and categories");
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                switch (name) {
                    case "images" -> {
                        seenImages = true;
                        array(r, f, "images", i -> images.add(image(r, f, "images[" + i + "]")));
                    }
                    case "annotations" -> {
                        seenAnns = true;
                        array(r, f, "annotations", i -> anns.add(annotation(r, f, "annotations[" + i + "]")));
                    }
                    case "categories" -> {
                        seenCats = true;
                        array(r, f, "categories", i -> cats.add(category(r, f, "categories[" + i + "]")));
                    }
                    default -> r.skipValue();
                }
            }
            r.endObject();
            if (!seenImages) throw new CocoFormatException(f, "images", "missing field (expected an array of images)");
            if (!seenAnns) throw new CocoFormatException(f, "annotations", "missing field (expected an array of annotations)");
            if (!seenCats) throw new CocoFormatException(f, "categories", "missing field (expected an array of categories)");
            return new CocoDataset(images, anns, cats);
        });
    }

    /** A results file: read from bytes by {@link ResultsJsonReader} (the big files), same errors as the rest. */
    public static List<CocoDetection> readResults(Path file) throws IOException {
        String f = file.toString();
        try (InputStream in = openStream(file)) {
            // plain: the file's size; gzip: COCO JSON inflates about 5:1 (the buffer doubles when that is short)
            long size = Files.size(file), guess = in instanceof BoundedInputStream ? size * 5 : size + 1;
            byte[] data = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(1 << 16, guess))];
            int length = 0;
            while (true) {
                if (length == data.length) {
                    if (data.length >= Integer.MAX_VALUE - 16) throw new CocoFormatException(f, "$", "larger than 2 GB");
                    data = java.util.Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, data.length * 2L));
                }
                int n = in.read(data, length, data.length - length);
                if (n < 0) break;
                length += n;
            }
            return ResultsJsonReader.readAll(data, length, f, Math.min(2, Runtime.getRuntime().availableProcessors()));
        } catch (java.io.EOFException e) {
            throw new CocoFormatException(f, "$", "unexpected end of file (truncated JSON?)");
        } catch (java.util.zip.ZipException e) {
            throw new CocoFormatException(f, "$", "corrupt gzip data: " + firstLine(e.getMessage()));
        }
    }

    private interface Body<T> {
        T read(JsonReader r, String file) throws IOException;
    }

    /** Opens the file and runs a reader on it; what goes wrong in the JSON or the gzip stream becomes a CocoFormatException. */
    private static <T> T read(Path file, Body<T> body) throws IOException {
        String f = file.toString();
        try (JsonReader r = open(file)) {
            return body.read(r, f);
        } catch (MalformedJsonException | IllegalStateException | NumberFormatException e) {
            throw new CocoFormatException(f, "$", "malformed JSON: " + firstLine(e.getMessage()));
        } catch (java.io.EOFException e) {
            throw new CocoFormatException(f, "$", "unexpected end of file (truncated JSON?)");
        } catch (java.util.zip.ZipException e) {
            throw new CocoFormatException(f, "$", "corrupt gzip data: " + firstLine(e.getMessage()));
        }
    }

    /**
     * A gzip file may expand to at most 64 MiB plus 200 times its own size (COCO JSON compresses about
     * 10:1), so that a small file cannot make the reader build gigabytes of annotations (a gzip bomb).
     */
    static final long MAX_INFLATED_BASE = 64L << 20, MAX_INFLATION = 200;

    /** Counts what it passes and stops with a CocoFormatException past the limit. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private final String file;
        private long count;

        BoundedInputStream(InputStream in, long limit, String file) {
            super(in);
            this.limit = limit;
            this.file = file;
        }

        private void add(long n) {
            if (n > 0 && (count += n) > limit) {
                throw new CocoFormatException(file, "$", "decompresses to more than " + limit + " bytes (200x the file: a gzip bomb?)");
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            add(n);
            return n;
        }
    }

    /** Gson appends a troubleshooting link on a second line; the error is the first. */
    static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static JsonReader open(Path file) throws IOException {
        JsonReader r = new JsonReader(new InputStreamReader(openStream(file), StandardCharsets.UTF_8));
        r.setLenient(true); // so that NaN / Infinity reach our own checks and get a precise message
        return r;
    }

    /** The file's bytes, inflated when it is gzip (bounded: see {@link #MAX_INFLATION}). */
    private static InputStream openStream(Path file) throws IOException {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new CocoFormatException(file.toString(), "$", "file not found");
        }
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            long size = Files.size(file);
            in = new BoundedInputStream(new GZIPInputStream(in, 1 << 16), MAX_INFLATED_BASE + MAX_INFLATION * size, file.toString());
        }
        return in;
    }

    private interface Element {
        void read(int index) throws IOException;
    }

    private static void array(JsonReader r, String f, String path, Element e) throws IOException {
        expect(r, f, path.isEmpty() ? "$" : path, JsonToken.BEGIN_ARRAY, "an array");
        r.beginArray();
        int i = 0;
        while (r.hasNext()) e.read(i++);
        r.endArray();
    }

    private static void expect(JsonReader r, String f, String path, JsonToken token, String what) throws IOException {
        JsonToken t = r.peek();
        if (t != token) throw new CocoFormatException(f, path, "expected " + what + ", got " + describe(t));
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "the end of the file";
            default -> t.toString();
        };
    }

    /** A string where a number belongs: "NaN" and "Infinity" (as some writers quote them) are named as such. */
    static CocoFormatException stringForNumber(String f, String path, String s) {
        if (s.equals("NaN") || s.endsWith("Infinity")) return new CocoFormatException(f, path, "expected a finite number, got " + s);
        return new CocoFormatException(f, path, "expected a number, got the string \"" + s + "\"");
    }

    private static double number(JsonReader r, String f, String path) throws IOException {
        JsonToken t = r.peek();
        if (t == JsonToken.STRING) throw stringForNumber(f, path, r.nextString());
        if (t != JsonToken.NUMBER) throw new CocoFormatException(f, path, "expected a number, got " + describe(t));
        double v = r.nextDouble();
        if (!Double.isFinite(v)) throw new CocoFormatException(f, path, "expected a finite number, got " + v);
        return v;
    }

    private static long id(JsonReader r, String f, String path) throws IOException {
        double v = number(r, f, path);
        if (v != Math.rint(v)) throw new CocoFormatException(f, path, "expected an integer id, got " + v);
        return (long) v;
    }

    private static double[] bbox(JsonReader r, String f, String path) throws IOException {
        expect(r, f, path, JsonToken.BEGIN_ARRAY, "[x, y, width, height]");
        r.beginArray();
        double[] b = new double[4];
        int n = 0;
        while (r.hasNext()) {
            if (n == 4) throw new CocoFormatException(f, path, "expected 4 numbers [x, y, width, height], got more");
            b[n] = number(r, f, path + "[" + n + "]");
            n++;
        }
        r.endArray();
        if (n != 4) throw new CocoFormatException(f, path, "expected 4 numbers [x, y, width, height], got " + n);
        if (b[2] < 0) throw new CocoFormatException(f, path + "[2]", "negative width " + b[2]);
        if (b[3] < 0) throw new CocoFormatException(f, path + "[3]", "negative height " + b[3]);
        return b;
    }

    private static CocoDataset.Image image(JsonReader r, String f, String path) throws IOException {
        expect(r, f, path, JsonToken.BEGIN_OBJECT, "an image object");
        r.beginObject();
        Long id = null;
        int w = 0, h = 0;
        String file = null;
        while (r.hasNext()) {
            String n = r.nextName();
            switch (n) {
                case "id" -> id = id(r, f, path + ".id");
                case "width" -> w = (int) number(r, f, path + ".width");
                case "height" -> h = (int) number(r, f, path + ".height");
                case "file_name" -> {
                    expect(r, f, path + ".file_name", JsonToken.STRING, "a string");
                    file = r.nextString();
                }
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (id == null) throw new CocoFormatException(f, path + ".id", "missing field");
        return new CocoDataset.Image(id, w, h, file);
    }

    private static CocoDataset.Annotation annotation(JsonReader r, String f, String path) throws IOException {
        expect(r, f, path, JsonToken.BEGIN_OBJECT, "an annotation object");
        r.beginObject();
        Long id = null, img = null, cat = null;
        double[] b = null;
        Double area = null;
        boolean crowd = false, ignore = false;
        while (r.hasNext()) {
            String n = r.nextName();
            switch (n) {
                case "id" -> id = id(r, f, path + ".id");
                case "image_id" -> img = id(r, f, path + ".image_id");
                case "category_id" -> cat = id(r, f, path + ".category_id");
                case "bbox" -> b = bbox(r, f, path + ".bbox");
                case "area" -> area = number(r, f, path + ".area");
                case "iscrowd" -> crowd = flag(r, f, path + ".iscrowd");
                case "ignore" -> ignore = flag(r, f, path + ".ignore");
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (id == null) throw new CocoFormatException(f, path + ".id", "missing field");
        if (img == null) throw new CocoFormatException(f, path + ".image_id", "missing field");
        if (cat == null) throw new CocoFormatException(f, path + ".category_id", "missing field");
        if (b == null) throw new CocoFormatException(f, path + ".bbox", "missing field");
        if (area == null) throw new CocoFormatException(f, path + ".area", "missing field");
        return new CocoDataset.Annotation(id, img, cat, b[0], b[1], b[2], b[3], area, crowd, ignore);
    }

    private static boolean flag(JsonReader r, String f, String path) throws IOException {
        if (r.peek() == JsonToken.BOOLEAN) return r.nextBoolean();
        return number(r, f, path) != 0;
    }

    private static CocoDataset.Category category(JsonReader r, String f, String path) throws IOException {
        expect(r, f, path, JsonToken.BEGIN_OBJECT, "a category object");
        r.beginObject();
        Long id = null;
        String name = null;
        while (r.hasNext()) {
            String n = r.nextName();
            switch (n) {
                case "id" -> id = id(r, f, path + ".id");
                case "name" -> {
                    expect(r, f, path + ".name", JsonToken.STRING, "a string");
                    name = r.nextString();
                }
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (id == null) throw new CocoFormatException(f, path + ".id", "missing field");
        if (name == null) throw new CocoFormatException(f, path + ".name", "missing field");
        return new CocoDataset.Category(id, name);
    }
}
