package io.mssd.spark;

import io.mssd.core.kernels.VectorSupport;
import org.apache.spark.sql.SparkSession;

/** The session a job runs in: the given master (local[N] runs in this JVM), or whatever spark-submit set. */
public final class SparkSessions {
    private SparkSessions() {}

    /** master null: spark-submit's, else (a plain `java -jar`) all local cores. */
    public static SparkSession get(String master, String app) {
        if (master == null && System.getProperty("spark.master") == null) master = "local[*]";
        SparkSession.Builder b = SparkSession.builder().appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8");
        if (master != null) b = b.master(master);
        if (master != null && master.startsWith("local")) {
            // in-process: no need to find (or fail to find) a network address for the driver
            b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        SparkSession s = b.getOrCreate();
        s.sparkContext().setLogLevel("ERROR");
        if (!VectorSupport.modulePresent()) {
            System.err.println("mssd spark: jdk.incubator.vector is not loaded in the driver: the portable kernels run (add"
                    + " --add-modules=jdk.incubator.vector to spark.driver.extraJavaOptions and spark.executor.extraJavaOptions)");
        }
        return s;
    }
}
