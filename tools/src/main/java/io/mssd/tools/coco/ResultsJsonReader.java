package io.mssd.tools.coco;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A COCO results file ({@code [{image_id, category_id, bbox, score}, ...]}) read straight from bytes.
 * Results files are the big ones (500,000 detections, 40 MB): a general JSON reader spends most of
 * its time building a String per number and per error path; this one parses numbers in place
 * (Clinger's exact fast path, else {@link Double#parseDouble}: the same doubles either way) and
 * builds a path only for an error. Errors name the file, the JSON path and what was expected.
 * <p>
 * {@link #readAll(byte[], int, String, int)} parses the array in parts side by side: each part after
 * the first starts at a "},{" found near its share of the bytes, and counts only if the part before
 * it ends exactly there (a "},{" inside a string would not); otherwise, or on any error, the file is
 * parsed again in one pass, which gives the error its exact path. Memory: the inflated file (bounded
 * by the gzip limit of {@link CocoJson}) while it is parsed, and the results.
 */
final class ResultsJsonReader {
    private static final int MAX_TOKEN = 4096, MAX_DEPTH = 512;
    private static final byte[] IMAGE_ID = ascii("image_id"), CATEGORY_ID = ascii("category_id"), BBOX = ascii("bbox"),
            SCORE = ascii("score");
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10; // exact up to 1e22
    }

    private final byte[] buf;
    private final int end;
    private int pos;
    private final String file;
    private final byte[] token = new byte[MAX_TOKEN];
    private int tokenLength;
    /** Where we are, for errors: the result's index and the field being read (null between fields). */
    private int index = -1;
    private String field;
    /** The bbox number being read, or -1. */
    private int element = -1;

    private ResultsJsonReader(byte[] data, int from, int to, String file) {
        this.buf = data;
        this.pos = from;
        this.end = to;
        this.file = file;
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

    private static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /**
     * One part: from its first element (or the array's opening bracket) to the first element boundary
     * at or past {@code stop} (or the end of the array); null on any error (the caller re-reads in one pass).
     */
    private Part part(boolean first, boolean last, int stop) {
        try {
            List<CocoDetection> out = new ArrayList<>();
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
            while (true) {
                index = out.size();
                out.add(detection());
                if (endOfList(']', "after a result")) break;
            }
        }
        index = -1;
        skipWhitespace();
        if (peek() != -1) throw error("$", "unexpected " + describe(peek()) + " after the results array");
        return out;
    }

    private CocoDetection detection() {
        field = null;
        long img = 0, cat = 0;
        boolean hasImg = false, hasCat = false, hasScore = false;
        double[] b = null;
        double score = 0;
        if (!openList('{', '}', "expected a result object {image_id, category_id, bbox, score}")) {
            while (true) {
                field = null;
                if (peek() != '"') throw unexpected("expected a field name", peek());
                int key = key();
                skipWhitespace();
                if (next() != ':') throw error(path(), "expected : after the field name");
                skipWhitespace();
                switch (key) {
                    case 1 -> {
                        field = ".image_id";
                        img = id();
                        hasImg = true;
                    }
                    case 2 -> {
                        field = ".category_id";
                        cat = id();
                        hasCat = true;
                    }
                    case 3 -> {
                        field = ".bbox";
                        b = bbox();
                    }
                    case 4 -> {
                        field = ".score";
                        score = number();
                        hasScore = true;
                    }
                    default -> skipValue(0);
                }
                field = null;
                if (endOfList('}', "in a result object")) break;
            }
        }
        String at = "[" + index + "]";
        if (!hasImg) throw error(at + ".image_id", "missing field");
        if (!hasCat) throw error(at + ".category_id", "missing field");
        if (b == null) throw error(at + ".bbox", "missing field (only bbox results are supported)");
        if (!hasScore) throw error(at + ".score", "missing field");
        return new CocoDetection(img, cat, b[0], b[1], b[2], b[3], score);
    }

    /** A field name: 1..4 for the fields we read, 0 for any other. */
    private int key() {
        boolean escaped = string();
        if (escaped) { // rare: compare the decoded name
            String s = new String(token, 0, tokenLength, StandardCharsets.UTF_8);
            return switch (s) {
                case "image_id" -> 1;
                case "category_id" -> 2;
                case "bbox" -> 3;
                case "score" -> 4;
                default -> 0;
            };
        }
        if (matches(IMAGE_ID)) return 1;
        if (matches(CATEGORY_ID)) return 2;
        if (matches(BBOX)) return 3;
        if (matches(SCORE)) return 4;
        return 0;
    }

    private boolean matches(byte[] name) {
        if (tokenLength != name.length) return false;
        for (int i = 0; i < name.length; i++) if (token[i] != name[i]) return false;
        return true;
    }

    private long id() {
        double v = number();
        if (v != Math.rint(v)) throw error(path(), "expected an integer id, got " + v);
        return (long) v;
    }

    private double[] bbox() {
        double[] b = new double[4];
        int n = 0;
        if (!openList('[', ']', "expected [x, y, width, height]")) {
            while (true) {
                if (n == 4) throw error(path(), "expected 4 numbers [x, y, width, height], got more");
                element = n;
                b[n++] = number();
                element = -1;
                if (endOfList(']', "in the bbox")) break;
            }
        }
        if (n != 4) throw error(path(), "expected 4 numbers [x, y, width, height], got " + n);
        if (b[2] < 0) throw error(path() + "[2]", "negative width " + b[2]);
        if (b[3] < 0) throw error(path() + "[3]", "negative height " + b[3]);
        return b;
    }

    /** A finite JSON number; strings, NaN and Infinity get their own messages. */
    private double number() {
        int c = peek();
        if (c == '"') {
            string();
            throw CocoJson.stringForNumber(file, path(), new String(token, 0, tokenLength, StandardCharsets.UTF_8));
        }
        if (c == 'N' || c == 'I' || c == '-' && peekAt(1) == 'I') {
            String word = word();
            if (word.equals("NaN") || word.equals("Infinity") || word.equals("-Infinity")) {
                throw error(path(), "expected a finite number, got " + word);
            }
            throw error(path(), "malformed JSON: unexpected '" + word + "'");
        }
        if (c != '-' && (c < '0' || c > '9')) throw unexpected("expected a number", c);
        return parseNumber();
    }

    /**
     * JSON number grammar, checked; the value is exact when at most 15 significant digits and a power of
     * ten within 1e22 (both exact doubles, one rounding: Clinger's fast path), else Double.parseDouble.
     */
    private double parseNumber() {
        tokenLength = 0;
        boolean negative = false;
        long mantissa = 0;
        int digits = 0, exponent = 0;
        int c = peek();
        if (c == '-') {
            negative = true;
            take();
            c = peek();
        }
        if (c == '0') {
            take();
            c = peek();
        } else if (c >= '1' && c <= '9') {
            while (c >= '0' && c <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                } else {
                    exponent++; // beyond 18 digits: the fallback parses the text
                    digits++;
                }
                take();
                c = peek();
            }
        } else {
            throw error(path(), "malformed number '" + tokenText() + "'");
        }
        if (c == '.') {
            take();
            c = peek();
            if (c < '0' || c > '9') throw error(path(), "malformed number '" + tokenText() + "'");
            while (c >= '0' && c <= '9') {
                if (mantissa == 0 && c == '0') {
                    exponent--; // leading zeros of a fraction are not significant
                } else if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                    exponent--;
                } else {
                    digits++;
                }
                take();
                c = peek();
            }
        }
        int exp10 = 0;
        if (c == 'e' || c == 'E') {
            take();
            c = peek();
            boolean minus = false;
            if (c == '+' || c == '-') {
                minus = c == '-';
                take();
                c = peek();
            }
            if (c < '0' || c > '9') throw error(path(), "malformed number '" + tokenText() + "'");
            while (c >= '0' && c <= '9') {
                if (exp10 < 100_000) exp10 = exp10 * 10 + (c - '0');
                take();
                c = peek();
            }
            if (minus) exp10 = -exp10;
        }
        int e = exponent + exp10;
        if (digits <= 15 && e >= -22 && e <= 22) {
            double v = mantissa;
            v = e >= 0 ? v * POW10[e] : v / POW10[-e];
            return negative ? -v : v;
        }
        double v = Double.parseDouble(tokenText());
        if (!Double.isFinite(v)) throw error(path(), "expected a finite number, got " + tokenText());
        return v;
    }

    /** Appends the current byte to the token (bounded) and moves past it. */
    private void take() {
        if (tokenLength == MAX_TOKEN) throw error(path(), "a number longer than " + MAX_TOKEN + " characters");
        token[tokenLength++] = (byte) next();
    }

    private String tokenText() {
        return new String(token, 0, tokenLength, StandardCharsets.ISO_8859_1);
    }

    /**
     * A string (at its opening quote) into {@code token}, escapes decoded; true when it had escapes.
     * Strings longer than the token buffer are skipped to their end, keeping the first 4 KiB.
     */
    private boolean string() {
        pos++; // the opening quote
        tokenLength = 0;
        boolean escaped = false;
        while (true) {
            int c = next();
            if (c == -1) throw truncated();
            if (c == '"') return escaped;
            if (c == '\\') {
                escaped = true;
                int e = next();
                switch (e) {
                    case '"', '\\', '/' -> c = e;
                    case 'b' -> c = '\b';
                    case 'f' -> c = '\f';
                    case 'n' -> c = '\n';
                    case 'r' -> c = '\r';
                    case 't' -> c = '\t';
                    case 'u' -> {
                        int u = 0;
                        for (int i = 0; i < 4; i++) {
                            int h = Character.digit(next(), 16);
                            if (h < 0) throw error(path(), "malformed JSON: bad \\u escape in a string");
                            u = u * 16 + h;
                        }
                        byte[] utf8 = String.valueOf((char) u).getBytes(StandardCharsets.UTF_8);
                        for (byte x : utf8) if (tokenLength < MAX_TOKEN) token[tokenLength++] = x;
                        continue;
                    }
                    case -1 -> throw truncated();
                    default -> throw error(path(), "malformed JSON: bad escape \\" + (char) e + " in a string");
                }
            }
            if (tokenLength < MAX_TOKEN) token[tokenLength++] = (byte) c;
        }
    }

    /** Letters (and a leading minus) of a bare word: true, false, null, or what lenient writers emit. */
    private String word() {
        StringBuilder w = new StringBuilder();
        int c = peek();
        while ((c == '-' && w.length() == 0) || Character.isLetter(c)) {
            if (w.length() == 64) break;
            w.append((char) c);
            pos++;
            c = peek();
        }
        return w.toString();
    }

    /** Skips any JSON value (the fields results files may carry besides ours). */
    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) throw error(path(), "values nested deeper than " + MAX_DEPTH);
        int c = peek();
        switch (c) {
            case '"' -> string();
            case '{', '[' -> {
                int close = c == '{' ? '}' : ']';
                if (openList(c, close, "")) return;
                while (true) {
                    if (close == '}') {
                        if (peek() != '"') throw unexpected("expected a field name", peek());
                        string();
                        skipWhitespace();
                        if (next() != ':') throw error(path(), "expected : after a field name");
                        skipWhitespace();
                    }
                    skipValue(depth + 1);
                    if (endOfList(close, "")) return;
                }
            }
            case -1 -> throw truncated();
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    parseNumber();
                } else {
                    String w = word();
                    if (!w.equals("true") && !w.equals("false") && !w.equals("null")) {
                        throw error(path(), "malformed JSON: unexpected " + (w.isEmpty() ? describe(c) : "'" + w + "'"));
                    }
                }
            }
        }
    }

    private String path() {
        if (index < 0) return "$";
        String at = "[" + index + "]";
        return field == null ? at : at + field + (element < 0 ? "" : "[" + element + "]");
    }

    /** At a list's opening bracket: true when the list is empty (its closing bracket read too). */
    private boolean openList(int open, int close, String expected) {
        if (peek() != open) throw unexpected(expected, peek());
        pos++;
        skipWhitespace();
        if (peek() != close) return false;
        pos++;
        return true;
    }

    /**
     * After a list element: true at {@code close} (the end of the list), false after a comma (another
     * element follows); anything else is an error naming where ({@code where}, e.g. "in the bbox").
     */
    private boolean endOfList(int close, String where) {
        skipWhitespace();
        int c = next();
        if (c == close) return true;
        if (c != ',') throw unexpected("expected , or " + (char) close + (where.isEmpty() ? "" : " " + where), c);
        skipWhitespace();
        return false;
    }

    private static String describe(int c) {
        return switch (c) {
            case -1 -> "the end of the file";
            case '[' -> "an array";
            case '{' -> "an object";
            case '"' -> "a string";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            default -> c == '-' || c >= '0' && c <= '9' ? "a number" : "'" + (char) c + "'";
        };
    }

    private CocoFormatException error(String path, String problem) {
        return new CocoFormatException(file, path, problem);
    }

    /** "expected X, got Y"; inside the array the end of the file means a truncated file. */
    private CocoFormatException unexpected(String expected, int c) {
        return c == -1 && index >= 0 ? truncated() : error(path(), expected + ", got " + describe(c));
    }

    private CocoFormatException truncated() {
        return error(path(), "unexpected end of file (truncated JSON?)");
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = buf[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            pos++;
        }
    }

    private int peek() {
        return pos < end ? buf[pos] & 0xff : -1;
    }

    private int peekAt(int ahead) {
        return pos + ahead < end ? buf[pos + ahead] & 0xff : -1;
    }

    private int next() {
        return pos < end ? buf[pos++] & 0xff : -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
