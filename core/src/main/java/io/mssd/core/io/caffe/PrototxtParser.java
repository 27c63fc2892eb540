package io.mssd.core.io.caffe;

import io.mssd.core.io.ModelFormatException;

/** Parser for protobuf's text format as Caffe uses it (no schema: every field is kept by name). */
public final class PrototxtParser {
    private final String src, file;
    private int pos, line = 1;

    private PrototxtParser(String src, String file) {
        this.src = src;
        this.file = file;
    }

    public static TextMessage parse(String text, String file) {
        PrototxtParser p = new PrototxtParser(text, file);
        TextMessage m = p.message(false, 0);
        return m;
    }

    /** Caffe's messages nest a few levels; a deeper file is hostile, not a network (and would overflow the stack). */
    static final int MAX_DEPTH = 64;

    private TextMessage message(boolean nested, int depth) {
        if (depth > MAX_DEPTH) throw error("messages nested more than " + MAX_DEPTH + " deep");
        TextMessage m = new TextMessage();
        while (true) {
            skipSpace();
            if (pos >= src.length()) {
                if (nested) throw error("unexpected end of file inside a message (missing '}')");
                return m;
            }
            char c = src.charAt(pos);
            if (c == '}') {
                if (!nested) throw error("unexpected '}'");
                pos++;
                return m;
            }
            String name = identifier();
            skipSpace();
            if (pos < src.length() && src.charAt(pos) == ':') {
                pos++;
                skipSpace();
            }
            if (pos < src.length() && (src.charAt(pos) == '{' || src.charAt(pos) == '<')) {
                pos++;
                m.add(name, message(true, depth + 1));
            } else {
                m.add(name, scalar(name));
            }
        }
    }

    private Object scalar(String field) {
        if (pos >= src.length()) throw error("missing value for '" + field + "'");
        char c = src.charAt(pos);
        if (c == '"' || c == '\'') {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < src.length() && src.charAt(pos) != c) {
                char ch = src.charAt(pos++);
                if (ch == '\\' && pos < src.length()) ch = src.charAt(pos++);
                if (ch == '\n') line++;
                sb.append(ch);
            }
            if (pos >= src.length()) throw error("unterminated string for '" + field + "'");
            pos++;
            return sb.toString();
        }
        int start = pos;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos)) && src.charAt(pos) != '}' && src.charAt(pos) != '#') pos++;
        String tok = src.substring(start, pos);
        if (tok.isEmpty()) throw error("missing value for '" + field + "'");
        try {
            return Double.parseDouble(tok);
        } catch (NumberFormatException e) {
            if (!Character.isLetter(tok.charAt(0))) throw error("bad value '" + tok + "' for '" + field + "'");
            return tok; // enum identifier or true/false
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        if (start == pos) throw error("expected a field name, got '" + src.charAt(pos) + "'");
        return src.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (Character.isWhitespace(c) || c == ';' || c == ',') {
                if (c == '\n') line++;
                pos++;
            } else {
                return;
            }
        }
    }

    private ModelFormatException error(String msg) {
        return new ModelFormatException(file, "line " + line, msg);
    }
}
