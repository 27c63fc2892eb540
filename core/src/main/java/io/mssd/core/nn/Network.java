package io.mssd.core.nn;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A network of single-input layers in topological order. Each node reads the network input or an
 * earlier node's output, so branches (SSD heads on intermediate feature maps) are plain nodes.
 * Immutable and shareable; per-thread state lives in a {@link Workspace}.
 */
public final class Network {

    /** A layer and the node it reads (-1: the network input). */
    public record Node(Layer layer, int input) {}

    private final List<Node> nodes;
    private final Map<String, Integer> index;

    private Network(List<Node> nodes) {
        this.nodes = List.copyOf(nodes);
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) idx.put(nodes.get(i).layer().name(), i);
        this.index = Collections.unmodifiableMap(idx);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public int indexOf(String layerName) {
        Integer i = index.get(layerName);
        if (i == null) throw new IllegalArgumentException("network has no layer named '" + layerName + "'");
        return i;
    }

    /** Output shape of every node for this input; an error names the first layer that does not fit. */
    public Shape[] shapes(Shape input) {
        Shape[] out = new Shape[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            out[i] = node.layer().outputShape(node.input() < 0 ? input : out[node.input()]);
        }
        return out;
    }

    /** A workspace that keeps every layer's output (for tests, profiles and inspection). */
    public Workspace newWorkspace(Shape input, ComputePool pool) {
        return new Workspace(this, input, pool, null);
    }

    /** A workspace that keeps only the outputs of the named layers; the others share buffers. */
    public Workspace newWorkspace(Shape input, ComputePool pool, java.util.Set<String> keep) {
        return new Workspace(this, input, pool, keep);
    }

    /** Adds layers in order; each reads the previous one unless told otherwise. */
    public static final class Builder {
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Integer> names = new HashMap<>();

        public Builder add(Layer layer) {
            return add(layer, nodes.size() - 1);
        }

        /** A layer reading the network input (a branch that starts at the input). */
        public Builder addFromInput(Layer layer) {
            return add(layer, -1);
        }

        public Builder add(Layer layer, String inputLayer) {
            Integer i = names.get(inputLayer);
            if (i == null) throw new IllegalArgumentException("layer " + layer.name() + " reads unknown layer '" + inputLayer + "'");
            return add(layer, i);
        }

        private Builder add(Layer layer, int input) {
            if (names.containsKey(layer.name())) throw new IllegalArgumentException("duplicate layer name '" + layer.name() + "'");
            names.put(layer.name(), nodes.size());
            nodes.add(new Node(layer, input));
            return this;
        }

        public Network build() {
            if (nodes.isEmpty()) throw new IllegalStateException("network has no layers");
            return new Network(nodes);
        }
    }
}
