package io.mssd.tools.data;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Pascal VOC folder as labelImg writes it: {@code images/} and {@code annotations/*.xml}, one XML
 * per image (filename, size, objects with name and bndbox). Files are taken in natural order of
 * their names (raccoon-2 before raccoon-10). XML is parsed without DTDs or external entities, and
 * files over 4 MiB are refused: an annotation is a few hundred bytes.
 */
public final class VocDataset {
    static final long MAX_XML_BYTES = 4L << 20;

    private VocDataset() {}

    public static List<LabelledImage> read(Path dir) throws IOException {
        Path ann = dir.resolve("annotations"), images = dir.resolve("images");
        if (!Files.isDirectory(ann)) {
            throw new IllegalArgumentException(dir + ": not a VOC dataset folder (expected annotations/ with one .xml per image, and images/)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(ann)) {
            files = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".xml")).toList());
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString(), NaturalOrder.INSTANCE));
        if (files.isEmpty()) throw new IllegalArgumentException(ann + ": no .xml annotation files");
        List<LabelledImage> out = new ArrayList<>();
        for (Path f : files) out.add(parse(f, images));
        return out;
    }

    /** One labelImg XML file; the image is looked up in {@code images}. */
    public static LabelledImage parse(Path xml, Path images) throws IOException {
        if (Files.size(xml) > MAX_XML_BYTES) throw new IllegalArgumentException(xml + ": " + Files.size(xml) + " bytes, more than an annotation file can be");
        return parse(Files.readAllBytes(xml), xml.toString(), images);
    }

    static LabelledImage parse(byte[] bytes, String file, Path images) {
        Element root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            Document d = b.parse(new ByteArrayInputStream(bytes));
            root = d.getDocumentElement();
        } catch (org.xml.sax.SAXException | IOException | javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalArgumentException(file + ": malformed XML: " + e.getMessage());
        }
        if (!root.getTagName().equals("annotation")) throw new IllegalArgumentException(file + ": root element <" + root.getTagName() + ">, expected <annotation>");
        String name = text(root, "filename", file, "annotation");
        if (name.contains("/") || name.contains("\\") || name.equals("..")) {
            throw new IllegalArgumentException(file + ": <filename> '" + name + "' must be a plain file name inside images/");
        }
        Path image = images.resolve(name);
        if (!Files.isRegularFile(image)) throw new IllegalArgumentException(file + ": <filename>: image " + image + " does not exist");
        Element size = child(root, "size", file, "annotation");
        int w = integer(text(size, "width", file, "size"), file, "size/width");
        int h = integer(text(size, "height", file, "size"), file, "size/height");
        if (w <= 0 || h <= 0) throw new IllegalArgumentException(file + ": <size>: " + w + "x" + h + " is not an image size");
        List<String> classes = new ArrayList<>();
        List<float[]> boxes = new ArrayList<>();
        NodeList objs = root.getElementsByTagName("object");
        for (int i = 0; i < objs.getLength(); i++) {
            Element o = (Element) objs.item(i);
            String field = "object[" + i + "]";
            String cls = text(o, "name", file, field).strip();
            if (cls.isEmpty()) throw new IllegalArgumentException(file + ": " + field + "/name is empty");
            Element bb = child(o, "bndbox", file, field);
            double x1 = number(text(bb, "xmin", file, field + "/bndbox"), file, field + "/bndbox/xmin");
            double y1 = number(text(bb, "ymin", file, field + "/bndbox"), file, field + "/bndbox/ymin");
            double x2 = number(text(bb, "xmax", file, field + "/bndbox"), file, field + "/bndbox/xmax");
            double y2 = number(text(bb, "ymax", file, field + "/bndbox"), file, field + "/bndbox/ymax");
            boxes.add(LabelledImage.clip(x1, y1, x2, y2, w, h, file, field + "/bndbox"));
            classes.add(cls);
        }
        float[] flat = new float[boxes.size() * 4];
        for (int i = 0; i < boxes.size(); i++) System.arraycopy(boxes.get(i), 0, flat, i * 4, 4);
        return new LabelledImage(image, w, h, flat, classes, file);
    }

    private static Element child(Element parent, String tag, String file, String where) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) return e;
        }
        throw new IllegalArgumentException(file + ": " + where + ": missing <" + tag + ">");
    }

    private static String text(Element parent, String tag, String file, String where) {
        return child(parent, tag, file, where).getTextContent().strip();
    }

    private static double number(String s, String file, String field) {
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + field + ": '" + s + "' is not a number");
        }
    }

    private static int integer(String s, String file, String field) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + field + ": '" + s + "' is not a whole number");
        }
    }
}
