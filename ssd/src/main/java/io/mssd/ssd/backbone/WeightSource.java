package io.mssd.ssd.backbone;

import io.mssd.core.kernels.Activation;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;

import java.util.SplittableRandom;

/**
 * Where a network builder gets its parameters, by layer name. A model importer implements it
 * (mapping its names, dequantising, folding BatchNorm); {@link #zeros()} and {@link #random} serve
 * shape-only uses (summaries) and tests.
 */
public interface WeightSource {

    /** The named convolution with BatchNorm already folded in. */
    Convolution convolution(String name, ConvSpec spec, Activation activation);

    /** Dense weights [out][in]. */
    float[] dense(String name, int in, int out);

    float[] bias(String name, int count);

    static WeightSource zeros() {
        return new WeightSource() {
            @Override
            public Convolution convolution(String name, ConvSpec spec, Activation activation) {
                return Convolution.of(name, spec, new float[spec.weightCount()], new float[spec.cout()], activation);
            }

            @Override
            public float[] dense(String name, int in, int out) {
                return new float[in * out];
            }

            @Override
            public float[] bias(String name, int count) {
                return new float[count];
            }
        };
    }

    /** He-scaled Gaussian weights and small biases from a seed: outputs stay in a useful range. */
    static WeightSource random(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new WeightSource() {
            private float[] gauss(int n, double std) {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    double u = rnd.nextDouble(), v = rnd.nextDouble();
                    a[i] = (float) (std * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
                }
                return a;
            }

            @Override
            public Convolution convolution(String name, ConvSpec spec, Activation activation) {
                int fanIn = spec.cin() / spec.groups() * spec.kh() * spec.kw();
                return Convolution.of(name, spec, gauss(spec.weightCount(), Math.sqrt(2.0 / fanIn)),
                        gauss(spec.cout(), 0.05), activation);
            }

            @Override
            public float[] dense(String name, int in, int out) {
                return gauss(in * out, Math.sqrt(1.0 / in));
            }

            @Override
            public float[] bias(String name, int count) {
                return gauss(count, 0.05);
            }
        };
    }
}
