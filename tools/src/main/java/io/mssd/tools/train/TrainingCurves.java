package io.mssd.tools.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Draws the training loss per epoch (left) and validation AP / AP50 per epoch (right, if any) as a PNG. */
public final class TrainingCurves {
    private TrainingCurves() {}

    public static void write(Path file, String title, List<Double> loss, List<Double> ap, List<Double> ap50) throws IOException {
        int panelW = 520, panelH = 400, w = panelW * 2, h = panelH + 50;
        io.mssd.tools.draw.ChartCanvas canvas = io.mssd.tools.draw.ChartCanvas.create(w, h, title);
        BufferedImage img = canvas.image();
        Graphics2D g = canvas.graphics();
        double maxLoss = 0;
        for (double v : loss) maxLoss = Math.max(maxLoss, v);
        panel(g, 0, panelW, panelH, "training loss", loss.size(), maxLoss <= 0 ? 1 : maxLoss * 1.05,
                List.of(loss), new Color[] {new Color(0x1f77b4)}, new String[] {"loss"});
        if (!ap.isEmpty()) {
            panel(g, panelW, panelW, panelH, "validation", ap.size(), 1, List.of(ap, ap50),
                    new Color[] {new Color(0xd62728), new Color(0x2ca02c)}, new String[] {"AP", "AP50"});
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int panelW, int panelH, String name, int epochs, double yMax,
                              List<List<Double>> series, Color[] colors, String[] names) {
        int ox = x0 + 60, oy = 60, pw = panelW - 90, ph = panelH - 70;
        g.setStroke(new BasicStroke(1));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int y = oy + ph - ph * i / 5;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(ox, y, ox + pw, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f", yMax * i / 5), ox - 40, y + 4);
        }
        g.drawRect(ox, oy, pw, ph);
        g.drawString("epoch", ox + pw / 2 - 15, oy + ph + 32);
        g.drawString("1", ox - 3, oy + ph + 16);
        g.drawString(Integer.toString(Math.max(1, epochs)), ox + pw - 8, oy + ph + 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(name, ox + pw / 2 - 40, oy - 10);
        g.setStroke(new BasicStroke(2));
        for (int s = 0; s < series.size(); s++) {
            List<Double> v = series.get(s);
            g.setColor(colors[s]);
            int px = -1, py = -1;
            for (int i = 0; i < v.size(); i++) {
                int x = ox + (epochs <= 1 ? pw / 2 : pw * i / (epochs - 1));
                int y = oy + ph - (int) Math.round(ph * Math.max(0, Math.min(1, v.get(i) / yMax)));
                if (px >= 0) g.drawLine(px, py, x, y);
                g.fillOval(x - 2, y - 2, 5, 5);
                px = x;
                py = y;
            }
            g.fillRect(ox + pw - 80, oy + 12 + s * 18, 14, 4);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(names[s], ox + pw - 60, oy + 18 + s * 18);
        }
    }
}
