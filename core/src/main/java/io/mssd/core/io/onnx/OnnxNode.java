package io.mssd.core.io.onnx;

import java.util.List;
import java.util.Map;

/** One NodeProto: operator type, input and output value names (an empty input name is an omitted optional input), attributes. */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** An AttributeProto; only the field its type uses is set. */
    public record Attribute(String name, int type, float f, long i, String s, OnnxTensor t, float[] floats, long[] ints) {
        public static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8;
    }

    /** How errors name this node: its name if it has one, else its type and first output. */
    public String label() {
        return (name.isEmpty() ? opType : name) + (outputs.isEmpty() ? "" : " (" + opType + " -> " + outputs.get(0) + ")");
    }

    public boolean has(String attribute) {
        return attributes.containsKey(attribute);
    }
}
