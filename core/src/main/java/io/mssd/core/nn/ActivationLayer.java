package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** A stand-alone ReLU / ReLU6 (convolutions normally fuse theirs). */
public final class ActivationLayer implements Layer {
    private final String name;
    private final Activation activation;

    public ActivationLayer(String name, Activation activation) {
        this.name = name;
        this.activation = activation;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return activation.name().toLowerCase();
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public long params() {
        return 0;
    }

    @Override
    public long multAdds(Shape in) {
        return 0;
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> {
            float[] x = in.data(), y = out.data();
            for (int i = 0; i < x.length; i++) y[i] = activation.apply(x[i]);
        };
    }
}
