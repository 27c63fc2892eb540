package io.mssd.tools.coco;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Precision-recall curves from an evaluation: two panels (IoU .50 and .75), one curve per area range
 * (all, small, medium, large) at the largest maxDets, precision averaged over categories where defined.
 */
public final class PrecisionRecallPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};

    private PrecisionRecallPlot() {}

    /** Mean over categories (entries > -1) of precision[t][r][k][a][last maxDets]; NaN where none is defined. */
    public static double[] curve(CocoEvalResult r, int t, int a) {
        double[] out = new double[r.R];
        for (int i = 0; i < r.R; i++) {
            double s = 0;
            int n = 0;
            for (int k = 0; k < r.K; k++) {
                double v = r.precision(t, i, k, a, r.M - 1);
                if (v > -1) {
                    s += v;
                    n++;
                }
            }
            out[i] = n == 0 ? Double.NaN : s / n;
        }
        return out;
    }

    public static void write(CocoEvalResult r, Path file, String title) throws IOException {
        int panelW = 520, panelH = 440, w = panelW * 2, h = panelH + 40;
        io.mssd.tools.draw.ChartCanvas canvas = io.mssd.tools.draw.ChartCanvas.create(w, h, title);
        BufferedImage img = canvas.image();
        Graphics2D g = canvas.graphics();
        double[] thr = {0.5, 0.75};
        for (int p = 0; p < 2; p++) {
            int t = -1;
            for (int i = 0; i < r.T; i++) if (r.p.iouThrs[i] == thr[p]) t = i;
            if (t < 0) continue;
            int ox = p * panelW + 60, oy = 60, pw = panelW - 90, ph = panelH - 80;
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1));
            g.drawRect(ox, oy, pw, ph);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= 10; i += 2) {
                int x = ox + pw * i / 10, y = oy + ph - ph * i / 10;
                g.setColor(new Color(230, 230, 230));
                g.drawLine(x, oy, x, oy + ph);
                g.drawLine(ox, y, ox + pw, y);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), x - 8, oy + ph + 16);
                g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), ox - 28, y + 4);
            }
            g.drawString("recall", ox + pw / 2 - 15, oy + ph + 34);
            g.drawString("precision", ox - 55, oy - 8);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(String.format(Locale.ROOT, "IoU = %.2f", thr[p]), ox + pw / 2 - 30, oy - 8);
            g.setStroke(new BasicStroke(2));
            for (int a = 0; a < Math.min(4, r.A); a++) {
                double[] c = curve(r, t, a);
                g.setColor(COLORS[a]);
                int px = -1, py = -1;
                for (int i = 0; i < c.length; i++) {
                    if (Double.isNaN(c[i])) {
                        px = -1;
                        continue;
                    }
                    int x = ox + (int) Math.round(pw * r.p.recThrs[i]), y = oy + ph - (int) Math.round(ph * c[i]);
                    if (px >= 0) g.drawLine(px, py, x, y);
                    px = x;
                    py = y;
                }
                g.fillRect(ox + pw - 120, oy + 12 + a * 18, 14, 4);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawString(r.p.areaRngLbl[a], ox + pw - 100, oy + 18 + a * 18);
            }
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
