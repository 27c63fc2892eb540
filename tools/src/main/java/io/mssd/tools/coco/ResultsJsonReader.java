package io.mssd.tools.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * A COCO results file ({@code [{image_id, category_id, bbox, score}, ...]}) read straight from bytes
 * ({@link JsonByteScanner}). Results files are the big ones (500,000 detections, 40 MB): a general
 * JSON reader spends most of its time building a String per number and per error path. Errors name
 * the file, the JSON path and what was expected.
 * <p>
 * {@link #readAll(byte[], int, String, int)} parses the array in parts side by side: each part after
 * the first starts at a "},{" found near its share of the bytes, and counts only if the part before
 * it ends exactly there (a "},{" inside a string would not); otherwise, or on any error, the file is
 * parsed again in one pass, which gives the error its exact path. Memory: the inflated file (bounded
 * by the gzip limit of {@link CocoJson}) while it is parsed, and the results.
 */
final class ResultsJsonReader extends JsonByteScanner {
    /** The fields read from a result, in the order of the code below. */
    private static final Fields FIELDS = new Fields("image_id", "category_id", "bbox", "score");

    private ResultsJsonReader(byte[] data, int from, int to, String file) {
        super(data, from, to, file);
    }

    /** The results in data[0, length), in {@code parts} parts side by side (1: one pass). */
    static List<CocoDetection> readAll(byte[] data, int length, String file, int parts) {
        if (parts > 1 && length >= parts * (1 << 20)) {
            List<CocoDetection> out = inParts(data, length, file, parts);
            if (out != null) return out;
        }
        return new ResultsJsonReader(data, 0, length, file).readAll();
    }

    /** The parts' results joined, or null when a part did not start where its predecessor ended. */
    static List<CocoDetection> inParts(byte[] data, int length, String file, int parts) {
        int[] starts = new int[parts + 1];
        starts[parts] = length;
        for (int p = 1; p < parts; p++) {
            starts[p] = nextElement(data, Math.max(starts[p - 1] + 1, (int) ((long) length * p / parts)), length);
            if (starts[p] < 0) return null;
        }
        Part[] done = new Part[parts];
        Thread[] helpers = new Thread[parts - 1];
        for (int p = 0; p < parts; p++) {
            int at = p, from = starts[p], to = starts[p + 1];
            Runnable job = () -> done[at] = new ResultsJsonReader(data, from, length, file).part(at == 0, at == parts - 1, to);
            if (at == parts - 1) {
                job.run(); // the last part on this thread
            } else {
                helpers[p] = new Thread(job, "mssd-results-" + p);
                helpers[p].setDaemon(true);
                helpers[p].start();
            }
        }
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        List<CocoDetection> out = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            Part part = done[p];
            if (part == null || part.end != starts[p + 1]) return null;
            out.addAll(part.results);
        }
        return out;
    }

    /** What one part read and the offset where it stopped (the start of the next part's first element). */
    private record Part(List<CocoDetection> results, int end) {}

    /** The offset of the '{' of the first "}, {" at or after {@code from} (whitespace allowed), or -1. */
    private static int nextElement(byte[] d, int from, int length) {
        for (int i = Math.max(1, from); i < length; i++) {
            if (d[i] != ',') continue;
            int b = i - 1, a = i + 1;
            while (b > 0 && isWhitespace(d[b])) b--;
            while (a < length && isWhitespace(d[a])) a++;
            if (d[b] == '}' && a < length && d[a] == '{') return a;
        }
        return -1;
    }

    /**
     * One part: from its first element (or the array's opening bracket) to the first element boundary
     * at or past {@code stop} (or the end of the array); null on any error (the caller re-reads in one pass).
     */
    private Part part(boolean first, boolean last, int stop) {
        try {
            List<CocoDetection> out = new ArrayList<>();
            started = true;
            if (first) {
                skipWhitespace();
                if (peek() != '[') return null;
                pos++;
                skipWhitespace();
            }
            while (true) {
                index = out.size();
                out.add(detection());
                skipWhitespace();
                int c = next();
                if (c == ']') {
                    skipWhitespace();
                    return last && peek() == -1 ? new Part(out, end) : null;
                }
                if (c != ',') return null;
                skipWhitespace();
                if (!last && pos >= stop) return new Part(out, pos);
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<CocoDetection> readAll() {
        List<CocoDetection> out = new ArrayList<>();
        skipWhitespace();
        if (!openList('[', ']', "expected an array of {image_id, category_id, bbox, score}")) {
            started = true;
            while (true) {
                index = out.size();
                out.add(detection());
                if (endOfList(']', "after a result")) break;
            }
        }
        index = -1;
        endOfDocument("the results array");
        return out;
    }

    /** A result: in the usual field order by {@link #inOrder()}, else (or on any surprise) field by field. */
    private CocoDetection detection() {
        int start = pos;
        CocoDetection d = inOrder();
        if (d != null) return d;
        pos = start;
        element = -1; // inOrder() may have stopped inside the bbox
        return anyOrder();
    }

    /**
     * A result written as every writer we know writes them, {"image_id", "category_id", "bbox", "score"} in
     * that order and nothing else (whitespace anywhere JSON allows it), or null to read it again field by
     * field: names matched in place, no field lookup per name. Half the parse time of a results file at C1.
     * Values go through the same checks as in {@link #anyOrder()}, with the same paths in errors.
     */
    private CocoDetection inOrder() {
        field = null;
        if (!at('{') || !name(FIELDS.quoted[0]) || !numberNext()) return null;
        field = FIELDS.paths[0];
        long img = idOf(parseNumber());
        if (!at(',') || !name(FIELDS.quoted[1]) || !numberNext()) return null;
        field = FIELDS.paths[1];
        long cat = idOf(parseNumber());
        if (!at(',') || !name(FIELDS.quoted[2]) || !at('[')) return null;
        field = FIELDS.paths[2];
        double x, y, w, h;
        element = 0;
        if (!numberNext()) return null;
        x = parseNumber();
        element = 1;
        if (!at(',') || !numberNext()) return null;
        y = parseNumber();
        element = 2;
        if (!at(',') || !numberNext()) return null;
        w = parseNumber();
        element = 3;
        if (!at(',') || !numberNext()) return null;
        h = parseNumber();
        element = -1;
        if (!at(']')) return null;
        if (w < 0) throw error(path() + "[2]", "negative width " + w);
        if (h < 0) throw error(path() + "[3]", "negative height " + h);
        if (!at(',') || !name(FIELDS.quoted[3]) || !numberNext()) return null;
        field = FIELDS.paths[3];
        double score = parseNumber();
        field = null;
        if (!at('}')) return null;
        return new CocoDetection(img, cat, x, y, w, h, score);
    }

    /** Past whitespace, the byte c (consumed: true), or not (false). */
    private boolean at(int c) {
        skipWhitespace();
        if (pos >= end || buf[pos] != c) return false;
        pos++;
        return true;
    }

    /** Past whitespace, the quoted name and its colon (consumed: true), or not (false). */
    private boolean name(byte[] quoted) {
        skipWhitespace();
        int n = quoted.length;
        if (pos + n > end) return false;
        for (int i = 0; i < n; i++) if (buf[pos + i] != quoted[i]) return false;
        pos += n;
        return at(':');
    }

    /** Past whitespace, whether a number starts here: a digit, or '-' and a digit (not "-Infinity": number() names that). */
    private boolean numberNext() {
        skipWhitespace();
        if (pos >= end) return false;
        int c = buf[pos];
        if (c == '-' && pos + 1 < end) c = buf[pos + 1];
        return c >= '0' && c <= '9';
    }

    private CocoDetection anyOrder() {
        field = null;
        long img = 0, cat = 0;
        boolean hasImg = false, hasCat = false, hasScore = false;
        double[] b = null;
        double score = 0;
        if (!openList('{', '}', "expected a result object {image_id, category_id, bbox, score}")) {
            while (true) {
                field = null;
                int key = key(fieldName(), FIELDS);
                if (key < 0) {
                    skipField();
                } else if (key == 2) {
                    field = FIELDS.paths[key];
                    b = bbox();
                } else {
                    // one call of number() for the three numeric fields: the JIT inlines it once, not three times
                    field = FIELDS.paths[key];
                    double v = number();
                    switch (key) {
                        case 0 -> {
                            img = idOf(v);
                            hasImg = true;
                        }
                        case 1 -> {
                            cat = idOf(v);
                            hasCat = true;
                        }
                        default -> {
                            score = v;
                            hasScore = true;
                        }
                    }
                }
                field = null;
                if (endOfList('}', "in a result object")) break;
            }
        }
        if (!hasImg) throw error(path() + ".image_id", "missing field");
        if (!hasCat) throw error(path() + ".category_id", "missing field");
        if (b == null) throw error(path() + ".bbox", "missing field (only bbox results are supported)");
        if (!hasScore) throw error(path() + ".score", "missing field");
        return new CocoDetection(img, cat, b[0], b[1], b[2], b[3], score);
    }
}
