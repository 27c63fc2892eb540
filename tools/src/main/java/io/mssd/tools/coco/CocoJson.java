package io.mssd.tools.coco;


import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Readers for COCO ground truth and results files (plain or .gz, inflation bounded): the file's bytes
 * are read whole and parsed in place ({@link DatasetJsonReader}, {@link ResultsJsonReader}), never
 * held as a JSON tree; every error names the file, the JSON path (e.g. annotations[12].bbox) and
 * what was expected.
 */
public final class CocoJson {
    private CocoJson() {}

    public static CocoDataset readDataset(Path file) throws IOException {
        Bytes b = readBytes(file);
        return DatasetJsonReader.read(b.data(), b.length(), file.toString());
    }

    /** A results file: read from bytes by {@link ResultsJsonReader} (the big files), same errors as the rest. */
    public static List<CocoDetection> readResults(Path file) throws IOException {
        Bytes b = readBytes(file);
        return ResultsJsonReader.readAll(b.data(), b.length(), file.toString(), Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** A file's bytes (inflated when gzip) in data[0, length). */
    private record Bytes(byte[] data, int length) {}

    private static Bytes readBytes(Path file) throws IOException {
        String f = file.toString();
        try (InputStream in = openStream(file)) {
            // plain: the file's size; gzip: COCO JSON inflates about 5:1 (the buffer doubles when that is short)
            long size = Files.size(file), guess = in instanceof BoundedInputStream ? size * 5 : size + 1;
            byte[] data = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(1 << 16, guess))];
            int length = 0;
            while (true) {
                if (length == data.length) {
                    if (data.length >= Integer.MAX_VALUE - 16) throw new CocoFormatException(f, "$", "larger than 2 GB");
                    data = java.util.Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, data.length * 2L));
                }
                int n = in.read(data, length, data.length - length);
                if (n < 0) break;
                length += n;
            }
            return new Bytes(data, length);
        } catch (java.io.EOFException e) {
            throw new CocoFormatException(f, "$", "unexpected end of file (truncated gzip data)");
        } catch (java.util.zip.ZipException e) {
            throw new CocoFormatException(f, "$", "corrupt gzip data: " + firstLine(e.getMessage()));
        }
    }

    /**
     * A gzip file may expand to at most 64 MiB plus 200 times its own size (COCO JSON compresses about
     * 10:1), so that a small file cannot make the reader build gigabytes of annotations (a gzip bomb).
     */
    static final long MAX_INFLATED_BASE = 64L << 20, MAX_INFLATION = 200;

    /** Counts what it passes and stops with a CocoFormatException past the limit. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private final String file;
        private long count;

        BoundedInputStream(InputStream in, long limit, String file) {
            super(in);
            this.limit = limit;
            this.file = file;
        }

        private void add(long n) {
            if (n > 0 && (count += n) > limit) {
                throw new CocoFormatException(file, "$", "decompresses to more than " + limit + " bytes (200x the file: a gzip bomb?)");
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            add(n);
            return n;
        }
    }

    /** The first line of a library's message (Gson, for one, adds a troubleshooting link on a second line). */
    static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The file's bytes, inflated when it is gzip (bounded: see {@link #MAX_INFLATION}). */
    private static InputStream openStream(Path file) throws IOException {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new CocoFormatException(file.toString(), "$", "file not found");
        }
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            long size = Files.size(file);
            in = new BoundedInputStream(new GZIPInputStream(in, 1 << 16), MAX_INFLATED_BASE + MAX_INFLATION * size, file.toString());
        }
        return in;
    }

    /** A string where a number belongs: "NaN" and "Infinity" (as some writers quote them) are named as such. */
    static CocoFormatException stringForNumber(String f, String path, String s) {
        if (s.equals("NaN") || s.endsWith("Infinity")) return new CocoFormatException(f, path, "expected a finite number, got " + s);
        return new CocoFormatException(f, path, "expected a number, got the string \"" + s + "\"");
    }
}
