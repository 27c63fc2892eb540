package io.mssd.core.nn;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A network of layers in topological order. Each node reads the network input or an earlier node's
 * output, so branches (SSD heads on intermediate feature maps) are plain nodes; a
 * {@link MultiInputLayer} (residual sum, concatenation) reads several. Immutable and shareable;
 * per-thread state lives in a {@link Workspace}.
 */
public final class Network {

    /** A layer, the node it reads (-1: the network input) and, for a multi-input layer, the further nodes it reads. */
    public record Node(Layer layer, int input, int[] extraInputs) {
        public Node(Layer layer, int input) {
            this(layer, input, new int[0]);
        }

        public Node {
            extraInputs = extraInputs.clone();
            if (extraInputs.length > 0 && !(layer instanceof MultiInputLayer)) {
                throw new IllegalArgumentException("layer " + layer.name() + " (" + layer.type() + ") takes one input, given "
                        + (1 + extraInputs.length));
            }
        }

        /** Every node this one reads, the first input first. */
        public int[] inputs() {
            int[] all = new int[1 + extraInputs.length];
            all[0] = input;
            System.arraycopy(extraInputs, 0, all, 1, extraInputs.length);
            return all;
        }

        @Override
        public int[] extraInputs() {
            return extraInputs.clone();
        }
    }

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
            if (node.layer() instanceof MultiInputLayer m) {
                int[] ins = node.inputs();
                Shape[] in = new Shape[ins.length];
                for (int j = 0; j < ins.length; j++) in[j] = ins[j] < 0 ? input : out[ins[j]];
                out[i] = m.outputShape(in);
            } else {
                out[i] = node.layer().outputShape(node.input() < 0 ? input : out[node.input()]);
            }
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
            return add(layer, new int[] {input});
        }

        /** A layer reading the given nodes by index (-1: the network input), each added before it. */
        public Builder add(Layer layer, int[] inputs) {
            if (names.containsKey(layer.name())) throw new IllegalArgumentException("duplicate layer name '" + layer.name() + "'");
            if (inputs.length == 0) throw new IllegalArgumentException("layer " + layer.name() + " reads nothing");
            for (int in : inputs) {
                if (in < -1 || in >= nodes.size()) {
                    throw new IllegalArgumentException("layer " + layer.name() + " reads node " + in + ", not added before it");
                }
            }
            names.put(layer.name(), nodes.size());
            nodes.add(new Node(layer, inputs[0], java.util.Arrays.copyOfRange(inputs, 1, inputs.length)));
            return this;
        }

        /** Nodes added so far (the index the next one gets). */
        public int size() {
            return nodes.size();
        }

        public Network build() {
            if (nodes.isEmpty()) throw new IllegalStateException("network has no layers");
            return new Network(nodes);
        }
    }
}
