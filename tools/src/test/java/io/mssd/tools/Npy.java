package io.mssd.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal NumPy .npy reader for little-endian float32 arrays (the reference fixtures). */
public record Npy(int[] shape, float[] data) {

    public static Npy read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b[0] != (byte) 0x93 || b[1] != 'N') throw new IOException(file + ": not a .npy file");
        int major = b[6];
        int headerLen = major == 1 ? ((b[8] & 0xff) | (b[9] & 0xff) << 8) : ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = major == 1 ? 10 : 12;
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<f4'")) throw new IOException(file + ": expected little-endian float32, header " + header);
        if (header.contains("'fortran_order': True")) throw new IOException(file + ": Fortran order not supported");
        Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
        if (!m.find()) throw new IOException(file + ": no shape in header");
        String[] dims = m.group(1).split(",");
        int n = 0;
        int[] shape = new int[dims.length];
        int count = 1;
        for (String d : dims) {
            if (d.isBlank()) continue;
            shape[n] = Integer.parseInt(d.strip());
            count *= shape[n++];
        }
        shape = java.util.Arrays.copyOf(shape, n);
        float[] data = new float[count];
        ByteBuffer.wrap(b, start + headerLen, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return new Npy(shape, data);
    }
}
