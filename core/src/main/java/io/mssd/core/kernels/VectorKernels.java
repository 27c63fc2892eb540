package io.mssd.core.kernels;

/**
 * Loads the Vector API kernels by name, so that no class referring to jdk.incubator.vector is
 * loaded (and fails) on a JVM without that module.
 */
final class VectorKernels {
    private VectorKernels() {}

    static GemmKernel gemm() {
        return (GemmKernel) instance("io.mssd.core.kernels.VectorGemmKernel");
    }

    static DepthwiseKernel depthwise() {
        return (DepthwiseKernel) instance("io.mssd.core.kernels.VectorDepthwiseKernel");
    }

    static DepthwiseBackwardKernel depthwiseBackward() {
        return (DepthwiseBackwardKernel) instance("io.mssd.core.kernels.VectorDepthwiseBackwardKernel");
    }

    static GradientKernel gradient() {
        return (GradientKernel) instance("io.mssd.core.kernels.VectorGradientKernel");
    }

    static RequantizeKernel requantize() {
        return (RequantizeKernel) instance("io.mssd.core.kernels.VectorRequantizeKernel");
    }

    static ResizeBlendKernel resizeBlend() {
        return (ResizeBlendKernel) instance("io.mssd.core.kernels.VectorResizeBlendKernel");
    }

    private static Object instance(String className) {
        try {
            return Class.forName(className).getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the Vector API kernel " + className, e);
        }
    }
}
