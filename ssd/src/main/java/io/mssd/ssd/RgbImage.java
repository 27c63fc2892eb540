package io.mssd.ssd;

import java.awt.image.BufferedImage;

/**
 * An 8-bit RGB image, pixels interleaved row by row (r, g, b, r, g, b, ...). The detector's input
 * type: plain Java, so core and ssd stay independent of any imaging library.
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if (pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("image " + width + "x" + height + " needs " + (width * height * 3L)
                    + " RGB bytes, got " + pixels.length);
        }
    }

    public static RgbImage of(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] px = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x], o = (y * w + x) * 3;
                px[o] = (byte) (p >> 16);
                px[o + 1] = (byte) (p >> 8);
                px[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, px);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int o = (y * width + x) * 3;
                row[x] = ((pixels[o] & 0xff) << 16) | ((pixels[o + 1] & 0xff) << 8) | (pixels[o + 2] & 0xff);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }
}
