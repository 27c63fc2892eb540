package io.mssd.core.nn;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * Everything one forward pass of a network writes: the input tensor, every node's output, the
 * im2col scratch and the bound steps. Made once per input shape; {@link #forward()} then allocates
 * nothing. Not thread-safe: one workspace per concurrent caller.
 * <p>With a keep set, only the outputs of those layers survive the pass: the others share buffers
 * as soon as their last reader has run, so the activations that stream through the network stay
 * in cache instead of spreading over tens of megabytes.
 */
public final class Workspace {
    private final Network network;
    private final Tensor input;
    private final Tensor[] outputs;
    private final Step[] steps;
    private final ComputePool pool;
    private final long[] nanos;

    Workspace(Network network, Shape inputShape, ComputePool pool, java.util.Set<String> keep) {
        this.network = network;
        this.pool = pool;
        Shape[] shapes = network.shapes(inputShape);
        this.input = new Tensor(inputShape);
        this.outputs = new Tensor[shapes.length];
        int n = shapes.length;
        boolean[] kept = new boolean[n];
        int[] lastUse = new int[n];
        for (int i = 0; i < n; i++) {
            kept[i] = keep == null || keep.contains(network.nodes().get(i).layer().name());
            lastUse[i] = i;
            for (int in : network.nodes().get(i).inputs()) if (in >= 0) lastUse[in] = i;
        }
        java.util.List<float[]> free = new java.util.ArrayList<>();
        long scratchSize = 0;
        for (int i = 0; i < n; i++) {
            int size = shapes[i].size();
            float[] buf = null;
            if (!kept[i]) {
                for (float[] f : free) if (f.length >= size && (buf == null || f.length < buf.length)) buf = f; // best fit
                if (buf != null) free.remove(buf);
            }
            outputs[i] = new Tensor(shapes[i], buf != null ? buf : new float[size]);
            for (int j = 0; j <= i; j++) {
                if (lastUse[j] == i && !kept[j]) free.add(outputs[j].data()); // no reader after node i
            }
            Network.Node node = network.nodes().get(i);
            scratchSize = Math.max(scratchSize, node.layer().scratchFloats(node.input() < 0 ? inputShape : shapes[node.input()]));
        }
        if (scratchSize > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("input " + inputShape + " is too large");
        float[] scratch = new float[(int) scratchSize];
        this.steps = new Step[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            Network.Node node = network.nodes().get(i);
            if (node.layer() instanceof MultiInputLayer m) {
                int[] ins = node.inputs();
                Tensor[] in = new Tensor[ins.length];
                for (int j = 0; j < ins.length; j++) in[j] = ins[j] < 0 ? input : outputs[ins[j]];
                steps[i] = m.bind(in, outputs[i], scratch);
            } else {
                Tensor in = node.input() < 0 ? input : outputs[node.input()];
                Network.Node prev = i > 0 ? network.nodes().get(i - 1) : null;
                // sibling Winograd heads on one map: the second takes the input tiles the first left in scratch
                if (prev != null && prev.input() == node.input() && node.layer() instanceof WinogradConv2d w
                        && w.sharesInputTilesWith(prev.layer(), in.shape())) {
                    steps[i] = w.bindAfter(prev.layer(), in, outputs[i], scratch);
                } else {
                    steps[i] = node.layer().bind(in, outputs[i], scratch);
                }
            }
        }
        this.nanos = new long[shapes.length];
    }

    public Network network() {
        return network;
    }

    /** The tensor to fill before {@link #forward()}. */
    public Tensor input() {
        return input;
    }

    public Tensor output(String layerName) {
        return outputs[network.indexOf(layerName)];
    }

    public Tensor output(int node) {
        return outputs[node];
    }

    public Tensor lastOutput() {
        return outputs[outputs.length - 1];
    }

    public void forward() {
        for (Step step : steps) step.execute(pool);
    }

    /** Forward pass that also records each layer's wall time (see {@link #layerNanos()}). */
    public void forwardTimed() {
        for (int i = 0; i < steps.length; i++) {
            long t0 = System.nanoTime();
            steps[i].execute(pool);
            nanos[i] += System.nanoTime() - t0;
        }
    }

    /** Accumulated per-layer time of all {@link #forwardTimed()} calls, in nanoseconds, in node order. */
    public long[] layerNanos() {
        return nanos.clone();
    }

    public void resetTimes() {
        java.util.Arrays.fill(nanos, 0);
    }
}
