package io.mssd.core.kernels;

/**
 * Whether the fast kernels can run: the incubating module jdk.incubator.vector must be in the boot
 * layer (java --add-modules jdk.incubator.vector; the mssd launcher adds it). Setting the system
 * property mssd.vector=false or the environment variable MSSD_VECTOR=false forces the portable path.
 */
public final class VectorSupport {
    private static final boolean AVAILABLE = detect();

    private VectorSupport() {}

    public static boolean available() {
        return AVAILABLE;
    }

    /** Whether jdk.incubator.vector is in the boot layer, whatever mssd.vector / MSSD_VECTOR say. */
    public static boolean modulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("mssd.vector"))
                || "false".equalsIgnoreCase(System.getenv("MSSD_VECTOR"))) {
            return false;
        }
        return modulePresent();
    }
}
