package io.mssd.core.io.caffe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message of protobuf's text format (a Caffe prototxt): fields in file order, each repeated as
 * often as it appears. Values are String (quoted strings and enum identifiers), Double (numbers)
 * or TextMessage (nested messages).
 */
public final class TextMessage {
    private final Map<String, List<Object>> fields = new LinkedHashMap<>();

    void add(String name, Object value) {
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    public List<Object> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    public List<TextMessage> messages(String name) {
        List<TextMessage> out = new ArrayList<>();
        for (Object o : all(name)) if (o instanceof TextMessage m) out.add(m);
        return out;
    }

    public TextMessage message(String name) {
        List<TextMessage> m = messages(name);
        return m.isEmpty() ? null : m.get(0);
    }

    public String string(String name, String dflt) {
        List<Object> v = all(name);
        return v.isEmpty() ? dflt : String.valueOf(v.get(0));
    }

    public double number(String name, double dflt) {
        List<Object> v = all(name);
        if (v.isEmpty()) return dflt;
        if (v.get(0) instanceof Double d) return d;
        String s = String.valueOf(v.get(0));
        if (s.equals("true")) return 1;
        if (s.equals("false")) return 0;
        throw new IllegalArgumentException("field '" + name + "' is not a number: " + s);
    }

    public List<Double> numbers(String name) {
        List<Double> out = new ArrayList<>();
        for (Object o : all(name)) {
            if (!(o instanceof Double d)) throw new IllegalArgumentException("field '" + name + "' is not a number: " + o);
            out.add(d);
        }
        return out;
    }

    public List<String> strings(String name) {
        List<String> out = new ArrayList<>();
        for (Object o : all(name)) out.add(String.valueOf(o));
        return out;
    }
}
