package io.mssd.core.train;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.nn.ActivationLayer;
import io.mssd.core.nn.BroadcastBinary;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.DepthwiseConv2d;
import io.mssd.core.nn.Layer;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Workspace;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A float network (convolutions with fused ReLU/ReLU6 and stand-alone activations; BatchNorm
 * already folded and frozen) made trainable: its parameters, and per-thread {@link Pass}es that run
 * one image forward, keep every activation, and run it backward into their own gradient sums.
 * Images of a batch are independent (BatchNorm is frozen), so a batch is spread over passes on
 * several threads and their sums are added in a fixed order: one thread count gives one result.
 */
public final class TrainingGraph {
    private final Network network;
    private final Shape input;
    private final Shape[] shapes;
    private final Convolution[] convs;
    private final Activation[] acts;
    private final int[] weightParam, biasParam;
    private final List<Parameter> params = new ArrayList<>();
    private final float[] zeros; // the backward GEMMs' bias
    private final float[][] transposed; // per conv node: weights as [g][K x Cout/g], refreshed by beginStep
    private final GemmKernel gemm = GemmKernel.fastest();
    private final io.mssd.core.kernels.DepthwiseBackwardKernel depthwiseBackward = io.mssd.core.kernels.DepthwiseBackwardKernel.fastest();
    private boolean[] needsGrad;

    /** paramName maps (layer name, "weights" | "bias") to the tensor's name in the source file. */
    public TrainingGraph(Network network, Shape input, java.util.function.BiFunction<String, String, String> paramName) {
        if (input.n() != 1) throw new IllegalArgumentException("a training pass runs one image at a time, got input " + input);
        this.network = network;
        this.input = input;
        this.shapes = network.shapes(input);
        int n = network.nodes().size();
        convs = new Convolution[n];
        acts = new Activation[n];
        weightParam = new int[n];
        biasParam = new int[n];
        transposed = new float[n][];
        for (int i = 0; i < n; i++) {
            Layer layer = network.nodes().get(i).layer();
            weightParam[i] = biasParam[i] = -1;
            if (layer instanceof Convolution c) {
                convs[i] = c;
                acts[i] = c.activation();
                ConvSpec s = c.spec();
                weightParam[i] = params.size();
                params.add(new Parameter(paramName.apply(c.name(), "weights"),
                        new int[] {s.cout(), s.cin() / s.groups(), s.kh(), s.kw()}, c.weights()));
                if (c.bias() != null) {
                    biasParam[i] = params.size();
                    params.add(new Parameter(paramName.apply(c.name(), "bias"), new int[] {s.cout()}, c.bias()));
                }
                if (!s.isDepthwise()) transposed[i] = new float[s.weightCount()];
            } else if (layer instanceof ActivationLayer a) {
                acts[i] = a.activation();
            } else if (layer instanceof BroadcastBinary sum && network.nodes().get(i).extraInputs().length == 1
                    && sum.isResidualSum(shapeOf(network.nodes().get(i).input()), shapeOf(network.nodes().get(i).extraInputs()[0]))) {
                acts[i] = Activation.NONE; // the gradient reaches both summands unchanged
            } else {
                throw new IllegalArgumentException("layer " + layer.name() + " (" + layer.type() + ") cannot be trained: only float"
                        + " convolutions, ReLU/ReLU6 and residual sums can (a quantised model trains as its float version)");
            }
        }
        int z = 0;
        for (Convolution c : convs) if (c != null) z = Math.max(z, ConvolutionBackward.zeroBiasFloats(c.spec()));
        zeros = new float[z];
        updateNeedsGrad();
    }

    private Shape shapeOf(int node) {
        return node < 0 ? input : shapes[node];
    }

    public List<Parameter> parameters() {
        return params;
    }

    public Network network() {
        return network;
    }

    /** Trains only the parameters for which {@code train} is true; the others stay as they are. */
    public void setTrainable(Function<Parameter, Boolean> train) {
        for (Parameter p : params) p.setTrainable(train.apply(p));
        updateNeedsGrad();
    }

    private void updateNeedsGrad() {
        int n = convs.length;
        needsGrad = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean own = (weightParam[i] >= 0 && params.get(weightParam[i]).trainable())
                    || (biasParam[i] >= 0 && params.get(biasParam[i]).trainable());
            boolean upstream = false;
            for (int in : network.nodes().get(i).inputs()) upstream |= in >= 0 && needsGrad[in];
            needsGrad[i] = own || upstream;
        }
    }

    /** Call after the weights change and before the step's backward passes: refreshes transposed weights. */
    public void beginStep() {
        for (int i = 0; i < convs.length; i++) {
            if (transposed[i] == null) continue;
            int in = network.nodes().get(i).input();
            if (in < 0 || !needsGrad[in]) continue;
            ConvSpec s = convs[i].spec();
            int g = s.groups(), coutG = s.cout() / g, k = s.weightCount() / s.cout();
            for (int gi = 0; gi < g; gi++) {
                ConvolutionBackward.transpose(convs[i].weights(), gi * coutG * k, coutG, k, transposed[i], gi * k * coutG);
            }
        }
    }

    /** Call after an optimiser step: layers that keep their weights in another form rebuild it (see Convolution). */
    public void weightsChanged() {
        for (int i = 0; i < convs.length; i++) {
            if (convs[i] != null && params.get(weightParam[i]).trainable()) convs[i].weightsChanged();
        }
    }

    public Pass newPass() {
        return new Pass();
    }

    /** Parameter gradients = scale * (sum of the passes' sums, in list order); the passes' sums are then cleared. */
    public void collectGradients(List<Pass> passes, float scale) {
        for (int p = 0; p < params.size(); p++) {
            float[] g = params.get(p).grad();
            java.util.Arrays.fill(g, 0f);
            for (Pass pass : passes) {
                float[] s = pass.sums[p];
                if (s == null) continue;
                for (int i = 0; i < g.length; i++) g[i] += s[i];
                java.util.Arrays.fill(s, 0f);
            }
            if (scale != 1f) for (int i = 0; i < g.length; i++) g[i] *= scale;
        }
    }

    /** One thread's forward/backward state for one image. Not thread-safe: one per thread. */
    public final class Pass {
        private final Workspace ws;
        private final float[][] outGrad;
        private final float[][] sums;
        private final float[] scratch;
        private final long[] nanos;

        private Pass() {
            nanos = new long[convs.length];
            ws = network.newWorkspace(input, ComputePool.single());
            int n = convs.length;
            outGrad = new float[n][];
            sums = new float[params.size()][];
            long scratchSize = 0;
            for (int i = 0; i < n; i++) {
                outGrad[i] = new float[shapes[i].size()];
                if (convs[i] != null) {
                    Shape in = inShape(i), out = shapes[i];
                    scratchSize = Math.max(scratchSize, ConvolutionBackward.scratchFloats(convs[i].spec(), in.h(), in.w(), out.h(), out.w()));
                }
            }
            for (int p = 0; p < params.size(); p++) sums[p] = new float[params.get(p).size()];
            if (scratchSize > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("input " + input + " is too large to train on");
            scratch = new float[(int) scratchSize];
        }

        private Shape inShape(int node) {
            int in = network.nodes().get(node).input();
            return in < 0 ? input : shapes[in];
        }

        /** The tensor to fill before {@link #forward()}. */
        public Tensor input() {
            return ws.input();
        }

        public Tensor output(String layer) {
            return ws.output(layer);
        }

        /** Runs the network and clears every output gradient. */
        public void forward() {
            ws.forward();
            for (float[] g : outGrad) java.util.Arrays.fill(g, 0f);
        }

        /** dL/d(output) of a layer, for the loss to add into before {@link #backward()}. */
        public float[] outputGradient(String layer) {
            return outGrad[network.indexOf(layer)];
        }

        /** Back-propagates the output gradients, adding each trainable parameter's gradient into this pass's sums. */
        public void backward() {
            for (int i = convs.length - 1; i >= 0; i--) {
                if (!needsGrad[i]) continue;
                long t0 = System.nanoTime();
                backward(i);
                nanos[i] += System.nanoTime() - t0;
            }
        }

        /** Accumulated backward time per node (nanoseconds, node order), for profiles. */
        public long[] backwardNanos() {
            return nanos.clone();
        }

        private void backward(int i) {
            {
                int in = network.nodes().get(i).input();
                float[] g = outGrad[i], y = ws.output(i).data();
                int size = shapes[i].size();
                ConvolutionBackward.activation(acts[i], y, g, size);
                float[] dx = in >= 0 && needsGrad[in] ? outGrad[in] : null;
                if (convs[i] == null) { // stand-alone activation or residual sum: the gradient passes through to each input
                    for (int from : network.nodes().get(i).inputs()) {
                        if (from < 0 || !needsGrad[from]) continue;
                        float[] d = outGrad[from];
                        for (int j = 0; j < size; j++) d[j] += g[j];
                    }
                    return;
                }
                Convolution c = convs[i];
                ConvSpec s = c.spec();
                Shape is = inShape(i), os = shapes[i];
                float[] x = in < 0 ? ws.input().data() : ws.output(in).data();
                int padT = s.padding().before(is.h(), s.kh(), s.stride(), true);
                int padL = s.padding().before(is.w(), s.kw(), s.stride(), false);
                Parameter wp = params.get(weightParam[i]);
                float[] dW = wp.trainable() ? sums[weightParam[i]] : null;
                if (biasParam[i] >= 0 && params.get(biasParam[i]).trainable()) {
                    ConvolutionBackward.bias(g, 0, s.cout(), os.plane(), sums[biasParam[i]]);
                }
                if (dW == null && dx == null) return;
                if (c instanceof DepthwiseConv2d) {
                    depthwiseBackward.channels(0, s.cin(), s.kh(), s.kw(), s.stride(), x, is.h(), is.w(), g, os.h(), os.w(),
                            c.weights(), dW, dx, padT, padL);
                } else {
                    ConvolutionBackward.convolution(gemm, s, x, is.h(), is.w(), g, os.h(), os.w(), transposed[i], dW, dx,
                            scratch, padT, padL, zeros);
                }
            }
        }
    }
}
