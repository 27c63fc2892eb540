package io.mssd.tools.coco;

import java.nio.charset.StandardCharsets;

/**
 * The tokens of a JSON document held as bytes, for the COCO readers ({@link ResultsJsonReader},
 * {@link DatasetJsonReader}): numbers parsed in place (Clinger's exact fast path, else
 * {@link Double#parseDouble}: the same doubles either way), strings compared as bytes, other values
 * skipped without building anything. The JSON path of an error is built only when there is one, from
 * where the reader says it is: {@code section[index].field[element]}.
 * Bounds: numbers and escaped strings of at most 4 KiB, values nested at most 512 deep.
 */
abstract class JsonByteScanner {
    static final int MAX_TOKEN = 4096, MAX_DEPTH = 512;
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10; // exact up to 1e22
    }

    final byte[] buf;
    final int end;
    int pos;
    final String file;
    final byte[] token = new byte[MAX_TOKEN];
    int tokenLength;
    /** Where we are, for errors: the array being read (null: the top level), the element's index, its field, the bbox number. */
    String section;
    int index = -1;
    String field;
    int element = -1;
    /** skipValue's stack: the closing bracket of each list it is in. */
    private final byte[] closers = new byte[MAX_DEPTH];
    /** Past the document's opening bracket: from then on the end of the file means a truncated file. */
    boolean started;

    JsonByteScanner(byte[] data, int from, int to, String file) {
        this.buf = data;
        this.pos = from;
        this.end = to;
        this.file = file;
    }

    String path() {
        if (index < 0) return section == null ? "$" : section;
        String at = (section == null ? "" : section) + "[" + index + "]";
        return field == null ? at : at + field + (element < 0 ? "" : "[" + element + "]");
    }

    /** A field name (at its opening quote) and the colon after it; the name is in {@code token}, true when it had escapes. */
    boolean fieldName() {
        if (peek() != '"') throw unexpected("expected a field name", peek());
        boolean escaped = string();
        skipWhitespace();
        if (next() != ':') throw error(path(), "expected : after the field name");
        skipWhitespace();
        return escaped;
    }

    /**
     * The field names a reader looks for: as bytes to compare a read name with, quoted as they stand in a file
     * (to match in place), and as the path suffixes of errors.
     */
    static final class Fields {
        final String[] names, paths;
        final byte[][] quoted;
        private final byte[][] bytes;

        Fields(String... names) {
            this.names = names;
            paths = new String[names.length];
            bytes = new byte[names.length][];
            quoted = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                paths[i] = "." + names[i];
                bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
                quoted[i] = ("\"" + names[i] + "\"").getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    /** The field name just read ({@link #fieldName}, escaped or not) as an index into {@code fields}, or -1. */
    int key(boolean escaped, Fields fields) {
        if (escaped) return java.util.Arrays.asList(fields.names).indexOf(tokenString()); // rare: compare decoded
        for (int i = 0; i < fields.bytes.length; i++) if (matches(fields.bytes[i])) return i;
        return -1;
    }

    /** Whether the last string read (unescaped, in {@code token}) is {@code name}. */
    private boolean matches(byte[] name) {
        if (tokenLength != name.length) return false;
        for (int i = 0; i < name.length; i++) if (token[i] != name[i]) return false;
        return true;
    }

    String tokenString() {
        return new String(token, 0, tokenLength, StandardCharsets.UTF_8);
    }

    /** A number read as an id: it must be an integer. */
    long idOf(double v) {
        if (v != Math.rint(v)) throw error(path(), "expected an integer id, got " + v);
        return (long) v;
    }

    /** [x, y, width, height], width and height not negative. */
    double[] bbox() {
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
    double number() {
        return number("expected a number");
    }

    /** {@link #number()}, with what to call the expected value when something else stands there. */
    double number(String expected) {
        int c = peek();
        if (c == '"') {
            string();
            throw CocoJson.stringForNumber(file, path(), tokenString());
        }
        if (c == 'N' || c == 'I' || c == '-' && peekAt(1) == 'I') {
            String word = word();
            if (word.equals("NaN") || word.equals("Infinity") || word.equals("-Infinity")) {
                throw error(path(), "expected a finite number, got " + word);
            }
            throw error(path(), "malformed JSON: unexpected '" + word + "'");
        }
        if (c != '-' && (c < '0' || c > '9')) throw unexpected(expected, c);
        return parseNumber();
    }

    /**
     * JSON number grammar, checked; the value is exact when at most 15 significant digits and a power of
     * ten within 1e22 (both exact doubles, one rounding: Clinger's fast path), else Double.parseDouble.
     * Scans the bytes in place (locals, no copy): numbers are most of a COCO file.
     */
    double parseNumber() {
        final byte[] b = buf;
        final int start = pos, stop = end;
        int p = start;
        boolean negative = false;
        long mantissa = 0;
        int digits = 0, exponent = 0;
        int c = p < stop ? b[p] : -1;
        if (c == '-') {
            negative = true;
            c = ++p < stop ? b[p] : -1;
        }
        if (c == '0') {
            c = ++p < stop ? b[p] : -1;
        } else if (c >= '1' && c <= '9') {
            while (c >= '0' && c <= '9') {
                if (digits < 18) mantissa = mantissa * 10 + (c - '0');
                else exponent++; // beyond 18 digits: the fallback parses the text
                digits++;
                c = ++p < stop ? b[p] : -1;
            }
        } else {
            throw malformedNumber(start, p);
        }
        if (c == '.') {
            c = ++p < stop ? b[p] : -1;
            if (c < '0' || c > '9') throw malformedNumber(start, p);
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
                c = ++p < stop ? b[p] : -1;
            }
        }
        int exp10 = 0;
        if (c == 'e' || c == 'E') {
            c = ++p < stop ? b[p] : -1;
            boolean minus = false;
            if (c == '+' || c == '-') {
                minus = c == '-';
                c = ++p < stop ? b[p] : -1;
            }
            if (c < '0' || c > '9') throw malformedNumber(start, p);
            while (c >= '0' && c <= '9') {
                if (exp10 < 100_000) exp10 = exp10 * 10 + (c - '0');
                c = ++p < stop ? b[p] : -1;
            }
            if (minus) exp10 = -exp10;
        }
        pos = p;
        if (p - start > MAX_TOKEN) throw error(path(), "a number longer than " + MAX_TOKEN + " characters");
        int e = exponent + exp10;
        if (digits <= 15 && e >= -22 && e <= 22) {
            double v = mantissa;
            v = e >= 0 ? v * POW10[e] : v / POW10[-e];
            return negative ? -v : v;
        }
        String text = new String(b, start, p - start, StandardCharsets.ISO_8859_1);
        double v = Double.parseDouble(text);
        if (!Double.isFinite(v)) throw error(path(), "expected a finite number, got " + text);
        return v;
    }

    /** The number's text up to where the grammar broke; a file that ends there is a truncated one. */
    private CocoFormatException malformedNumber(int start, int at) {
        pos = at;
        if (at >= end && started) return truncated();
        int to = Math.min(at, start + MAX_TOKEN);
        return error(path(), "malformed number '" + new String(buf, start, to - start, StandardCharsets.ISO_8859_1) + "'");
    }

    /**
     * A string (at its opening quote) into {@code token}, escapes decoded; true when it had escapes.
     * Strings longer than the token buffer are skipped to their end, keeping the first 4 KiB.
     */
    boolean string() {
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
                if (e == 'u') {
                    byte[] utf8 = String.valueOf(unicodeEscape(pos)).getBytes(StandardCharsets.UTF_8);
                    pos += 4;
                    for (byte x : utf8) if (tokenLength < MAX_TOKEN) token[tokenLength++] = x;
                    continue;
                }
                if (e == -1) throw truncated();
                c = simpleEscape(e);
                if (c < 0) throw error(path(), "malformed JSON: bad escape \\" + (char) e + " in a string");
            }
            if (tokenLength < MAX_TOKEN) token[tokenLength++] = (byte) c;
        }
    }

    /** The character a one-letter escape (after the backslash) stands for, or -1 if there is none. */
    private static int simpleEscape(int e) {
        return switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> -1;
        };
    }

    /** The four hex digits at buf[at..at+4) (after a \\u), as a char. */
    private char unicodeEscape(int at) {
        int u = 0;
        for (int i = at; i < at + 4; i++) {
            int h = i < end ? Character.digit(buf[i] & 0xff, 16) : -1;
            if (h < 0) throw error(path(), "malformed JSON: bad \\u escape in a string");
            u = u * 16 + h;
        }
        return (char) u;
    }

    /**
     * A string value (at its opening quote, else an error "expected a string"), whole whatever its
     * length: it is already in memory. Escapes decoded (surrogate pairs included), UTF-8 as Java decodes it.
     */
    String stringValue() {
        if (peek() != '"') throw unexpected("expected a string", peek());
        int start = pos + 1;
        boolean escaped = string();
        int stop = pos - 1; // the closing quote
        if (!escaped) return new String(buf, start, stop - start, StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder(stop - start);
        int run = start;
        for (int i = start; i < stop; i++) {
            if (buf[i] != '\\') continue;
            s.append(new String(buf, run, i - run, StandardCharsets.UTF_8));
            int e = buf[++i]; // string() checked every escape already
            if (e == 'u') {
                s.append(unicodeEscape(i + 1));
                i += 4;
            } else {
                s.append((char) simpleEscape(e));
            }
            run = i + 1;
        }
        return s.append(new String(buf, run, stop - run, StandardCharsets.UTF_8)).toString();
    }

    /** Letters (and a leading minus) of a bare word: true, false, null, or what lenient writers emit. */
    String word() {
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

    /** The value of a field we do not read (its name just read), skipped; errors inside it name the field. */
    void skipField() {
        field = "." + tokenString();
        skipValue();
    }

    /**
     * Skips any JSON value (the fields files may carry besides ours, segmentation polygons the big
     * ones). One loop with its own stack of open brackets rather than recursion: no deep Java stack, and
     * small for the JIT.
     */
    void skipValue() {
        byte[] open = closers;
        int n = 0;
        while (true) {
            // a value
            int c = peek();
            if (c == '{' || c == '[') {
                if (n == MAX_DEPTH) throw error(path(), "values nested deeper than " + MAX_DEPTH);
                int close = c == '{' ? '}' : ']';
                if (!openList(c, close, "")) {
                    open[n++] = (byte) close;
                    if (close == '}') fieldName();
                    continue;
                }
            } else if (c == '"') {
                string();
            } else if (c == '-' || c >= '0' && c <= '9') {
                parseNumber();
            } else if (c == -1) {
                throw truncated();
            } else {
                String w = word();
                if (!w.equals("true") && !w.equals("false") && !w.equals("null")) {
                    throw error(path(), "malformed JSON: unexpected " + (w.isEmpty() ? describe(c) : "'" + w + "'"));
                }
            }
            // after a value: close what ends here, or go on to the next element
            while (n > 0 && endOfList(open[n - 1], "")) n--;
            if (n == 0) return;
            if (open[n - 1] == '}') fieldName();
        }
    }

    /** At a list's opening bracket: true when the list is empty (its closing bracket read too). */
    boolean openList(int open, int close, String expected) {
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
    boolean endOfList(int close, String where) {
        skipWhitespace();
        int c = next();
        if (c == close) return true;
        if (c != ',') throw unexpected("expected , or " + (char) close + (where.isEmpty() ? "" : " " + where), c);
        skipWhitespace();
        return false;
    }

    /** After the document's value: only whitespace may follow. */
    void endOfDocument(String after) {
        skipWhitespace();
        if (peek() != -1) throw error("$", "expected the end of the file after " + after + ", got " + describe(peek()));
    }

    static String describe(int c) {
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

    CocoFormatException error(String path, String problem) {
        return new CocoFormatException(file, path, problem);
    }

    /** "expected X, got Y"; inside the document the end of the file means a truncated file. */
    CocoFormatException unexpected(String expected, int c) {
        return c == -1 && started ? truncated() : error(path(), expected + ", got " + describe(c));
    }

    CocoFormatException truncated() {
        return error(path(), "unexpected end of file (truncated JSON?)");
    }

    void skipWhitespace() {
        while (pos < end && isWhitespace(buf[pos])) pos++;
    }

    static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    int peek() {
        return pos < end ? buf[pos] & 0xff : -1;
    }

    int peekAt(int ahead) {
        return pos + ahead < end ? buf[pos + ahead] & 0xff : -1;
    }

    int next() {
        return pos < end ? buf[pos++] & 0xff : -1;
    }

}
