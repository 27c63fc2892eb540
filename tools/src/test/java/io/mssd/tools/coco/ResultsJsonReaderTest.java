package io.mssd.tools.coco;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsJsonReaderTest {

    static List<CocoDetection> read(String json) throws IOException {
        return read(json, 1);
    }

    static List<CocoDetection> read(String json, int parts) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return ResultsJsonReader.readAll(b, b.length, "dt.json", parts);
    }

    static String error(String json) {
        return assertThrows(CocoFormatException.class, () -> read(json)).getMessage();
    }

    @Test
    void numbersAreTheDoublesThatDoubleParseDoubleGives() throws IOException {
        // every spelling writers use: shortest round-trip, fixed decimals, 17 digits, exponents, integers,
        // long fractions, subnormal and huge magnitudes; one result per number so the scan crosses the buffer often
        SplittableRandom rnd = new SplittableRandom(7);
        List<String> texts = new ArrayList<>(List.of("0", "-0", "0.0", "-0.0", "1", "10.5", "0.1", "0.30000000000000004",
                "123456789012345678901234567890", "1e22", "1e23", "1E-22", "1e-23", "4.9e-324", "2.2250738585072014E-308",
                "1.7976931348623157e308", "0.000000000000000000000000000001", "9007199254740993", "100e-2", "0e5",
                "12345.678901234567890123", "5e-1", "1.5E+3"));
        for (int i = 0; i < 20000; i++) {
            double v = switch (i % 5) {
                case 0 -> rnd.nextDouble() * 640;
                case 1 -> rnd.nextDouble();
                case 2 -> Double.longBitsToDouble(rnd.nextLong() & 0x7fefffffffffffffL);
                case 3 -> rnd.nextInt(1_000_000);
                default -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-30, 30));
            };
            texts.add(switch (i % 4) {
                case 0 -> Double.toString(v);
                case 1 -> String.format(Locale.ROOT, "%.2f", v % 1e6);
                case 2 -> String.format(Locale.ROOT, "%.17g", v).replace("+", "");
                default -> String.format(Locale.ROOT, "%.6e", v);
            });
        }
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) json.append(i % 7 == 0 ? ",\n " : ",");
            json.append("{\"image_id\":").append(i).append(",\"category_id\":1,\"bbox\":[").append(texts.get(i))
                    .append(",0,1,1],\"score\": ").append(texts.get(i).startsWith("-") ? "0.5" : texts.get(i)).append('}');
        }
        List<CocoDetection> out = read(json.append(']').toString());
        assertEquals(texts.size(), out.size());
        for (int i = 0; i < texts.size(); i++) {
            double expected = Double.parseDouble(texts.get(i));
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out.get(i).x()),
                    texts.get(i) + ": " + out.get(i).x() + " != " + expected);
            assertEquals(i, out.get(i).imageId());
        }
    }

    @Test
    void partsSideBySideGiveTheOnePassResultEvenWhenASplitFallsInAString() throws IOException {
        // about 4 MB: split into 2 and 3 parts; then with "},{" inside strings everywhere (every split
        // candidate inside a string: the parts must be refused and the file read in one pass); then an
        // error late in the file must name the same element as in one pass
        SplittableRandom rnd = new SplittableRandom(3);
        StringBuilder plain = new StringBuilder("["), tricky = new StringBuilder("[");
        for (int i = 0; i < 60000; i++) {
            String r = "{\"image_id\":" + rnd.nextInt(5000) + ",\"category_id\":" + (1 + rnd.nextInt(90)) + ",\"bbox\":["
                    + rnd.nextDouble() * 600 + "," + rnd.nextDouble() * 400 + ",12.5,30],\"score\":" + rnd.nextDouble() + "}";
            plain.append(i > 0 ? ",\n" : "").append(r);
            tricky.append(i > 0 ? ", " : "").append(r.replace("{\"image_id", "{\"note\":\"a},{b\",\"image_id"));
        }
        List<CocoDetection> one = read(plain + "]", 1);
        assertEquals(60000, one.size());
        assertEquals(one, read(plain + "]", 2));
        assertEquals(one, read(plain + "]", 3));
        assertEquals(one, read(tricky + "]", 2));
        byte[] b = (plain + "]").getBytes(StandardCharsets.UTF_8);
        assertEquals(one, ResultsJsonReader.inParts(b, b.length, "dt.json", 2), "the split read was taken");
        // the middle of the file inside a long string full of "},{": that split must be refused
        String ok = "{\"image_id\":1,\"category_id\":2,\"bbox\":[0,0,1,1],\"score\":0.5}";
        String inString = "[" + ok.replace("{\"image_id", "{\"note\":\"" + "},{".repeat(1 << 20) + "\",\"image_id") + ", " + ok + "]";
        byte[] t = inString.getBytes(StandardCharsets.UTF_8);
        assertEquals(null, ResultsJsonReader.inParts(t, t.length, "dt.json", 2));
        assertEquals(2, read(inString, 2).size());
        String late = plain.toString().replaceFirst("(?s)(.*)\"score\":", "$1\"score\":\"x\",\"s\":");
        String m1 = assertThrows(CocoFormatException.class, () -> read(late + "]", 1)).getMessage();
        String m2 = assertThrows(CocoFormatException.class, () -> read(late + "]", 2)).getMessage();
        assertEquals(m1, m2);
        assertTrue(m1.contains("[59999].score"), m1);
        assertTrue(assertThrows(CocoFormatException.class, () -> read(plain + "] x", 2)).getMessage().contains("after the results array"));
    }

    @Test
    void otherFieldsEscapesAndWhitespaceAreSkipped() throws IOException {
        List<CocoDetection> out = read(" [ { \"segmentation\" : {\"counts\": [1, 2, [3, {}]], \"x\": \"a\\\"b\\u00e9\"}, "
                + "\"image_\\u0069d\" : 3 , \"category_id\":2.0,\"bbox\":[1,2,3,4],\"score\":1e-1,\"ok\":true,\"n\":null,\"f\":false},"
                + "\t{\"bbox\":[ 0 , 0 , 0 , 0 ],\"score\":0,\"image_id\":4,\"category_id\":5} ]\n");
        assertEquals(List.of(new CocoDetection(3, 2, 1, 2, 3, 4, 0.1), new CocoDetection(4, 5, 0, 0, 0, 0, 0)), out);
        assertEquals(List.of(), read("[]"));
    }

    @Test
    void resultsInTheUsualOrderReadAsFieldByField() throws IOException {
        // the in-order fast path against the field-by-field reader: compact, Python's json.dumps spacing
        // (", " and ": "), pretty-printed, and the same results with their fields in another order
        SplittableRandom rnd = new SplittableRandom(11);
        StringBuilder compact = new StringBuilder("["), spaced = new StringBuilder("["), pretty = new StringBuilder("["),
                shuffled = new StringBuilder("[");
        for (int i = 0; i < 3000; i++) {
            String img = Integer.toString(rnd.nextInt(100_000)), cat = Integer.toString(1 + rnd.nextInt(90));
            String[] b = {Double.toString(rnd.nextDouble() * 600), String.format(Locale.ROOT, "%.2f", rnd.nextDouble() * 400),
                    Integer.toString(rnd.nextInt(300)), String.format(Locale.ROOT, "%.6e", rnd.nextDouble() * 50)};
            String score = Double.toString(rnd.nextDouble());
            String sep = i > 0 ? "," : "";
            compact.append(sep).append("{\"image_id\":").append(img).append(",\"category_id\":").append(cat).append(",\"bbox\":[")
                    .append(String.join(",", b)).append("],\"score\":").append(score).append('}');
            spaced.append(i > 0 ? ", " : "").append("{\"image_id\": ").append(img).append(", \"category_id\": ").append(cat)
                    .append(", \"bbox\": [").append(String.join(", ", b)).append("], \"score\": ").append(score).append('}');
            pretty.append(sep).append("\n  {\n    \"image_id\" : ").append(img).append(" ,\n\t\"category_id\":").append(cat)
                    .append(",\r\n    \"bbox\": [\n ").append(String.join(" ,\n ", b)).append("\n ] ,\"score\":").append(score).append("\n}");
            shuffled.append(sep).append("{\"score\":").append(score).append(",\"bbox\":[").append(String.join(",", b))
                    .append("],\"category_id\":").append(cat).append(",\"image_id\":").append(img).append('}');
        }
        List<CocoDetection> expected = read(shuffled.append(']').toString());
        assertEquals(3000, expected.size());
        assertEquals(expected, read(compact.append(']').toString()));
        assertEquals(expected, read(spaced.append(']').toString()));
        assertEquals(expected, read(pretty.append("\n]").toString()));
    }

    @Test
    void aBadValueGetsTheSameErrorWhateverTheFieldOrder() {
        // the in-order reader checks values itself: its errors must be the field-by-field reader's
        String[][] values = {{"1.5", "3", "0,0,5,5", "0.5"}, {"1", "x", "0,0,5,5", "0.5"}, {"1", "3", "0,0,-5,5", "0.5"},
                {"1", "3", "0,0,5,-0.1", "0.5"}, {"1", "3", "0,1.,5,5", "0.5"}, {"1", "3", "0,0,5,5", "1e999"},
                {"1", "3", "0,0,5,5", "-"}, {"1", "3", "0,0,5,5", "-Infinity"}, {"1", "-", "0,0,5,5", "1"}, {"1", "3", "0,0,5,5", "\"0.5\""}, {"2.5e400", "3", "0,0,5,5", "0.5"},
                {"1", "3", "0,0,5,5,5", "0.5"}, {"1", "3", "0,0,5", "0.5"}, {"1", "3", "0, 0, 5, 5 ", "NaN"}};
        for (String[] v : values) {
            String inOrder = "[{\"image_id\":" + v[0] + ",\"category_id\":" + v[1] + ",\"bbox\":[" + v[2] + "],\"score\":" + v[3] + "}]";
            String reversed = "[{\"score\":" + v[3] + ",\"bbox\":[" + v[2] + "],\"category_id\":" + v[1] + ",\"image_id\":" + v[0] + "}]";
            assertEquals(error(reversed), error(inOrder), inOrder);
        }
    }

    @Test
    void badInputsNameThePathAndTheProblem() {
        String ok = "{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5],\"score\":0.5}";
        String[][] cases = {
                {"{}", "$: expected an array"},
                {"", "$: expected an array of {image_id, category_id, bbox, score}, got the end of the file"},
                {"[" + ok + "," + ok.replace("0.5", "-Infinity") + "]", "[1].score: expected a finite number, got -Infinity"},
                {"[" + ok.replace("0.5", "\"NaN\"") + "]", "[0].score: expected a finite number, got NaN"},
                {"[" + ok.replace("0.5", "1e999") + "]", "[0].score: expected a finite number"},
                {"[" + ok.replace("0.5", "\"high\"") + "]", "[0].score: expected a number, got the string \"high\""},
                {"[" + ok.replace("0.5", "01") + "]", "[0]: expected , or } in a result object"},
                {"[" + ok.replace("0.5", "1.") + "]", "[0].score: malformed number '1.'"},
                {"[" + ok.replace("0.5", "-") + "]", "[0].score: malformed number '-'"},
                {"[" + ok.replace("0.5", "true") + "]", "[0].score: expected a number, got a boolean"},
                {"[" + ok.replace("\"image_id\":1", "\"image_id\":1.5") + "]", "[0].image_id: expected an integer id, got 1.5"},
                {"[" + ok.replace("[0,0,5,5]", "[0,0,5]") + "]", "[0].bbox: expected 4 numbers [x, y, width, height], got 3"},
                {"[" + ok.replace("[0,0,5,5]", "[0,0,5,5,5]") + "]", "[0].bbox: expected 4 numbers [x, y, width, height], got more"},
                {"[" + ok.replace("[0,0,5,5]", "[0,0,5,-1]") + "]", "[0].bbox[3]: negative height -1.0"},
                {"[" + ok.replace("[0,0,5,5]", "[0,0,5,null]") + "]", "[0].bbox[3]: expected a number, got null"},
                {"[" + ok.replace(",\"score\":0.5", "") + "]", "[0].score: missing field"},
                {"[" + ok.replace("\"bbox\":[0,0,5,5],", "") + "]", "[0].bbox: missing field (only bbox results are supported)"},
                {"[" + ok + "," + ok.substring(0, 30), "[1]: unexpected end of file (truncated JSON?)"},
                {"[" + ok + "," + ok.substring(0, 41), "[1].bbox: unexpected end of file (truncated JSON?)"},
                {"[" + ok + " " + ok + "]", "[0]: expected , or ] after a result, got an object"},
                {"[" + ok + "] x", "$: expected the end of the file after the results array, got 'x'"},
                {"[" + ok.replace("{", "{\"a\":" + "[".repeat(600)) + "]", "values nested deeper than 512"},
                {"[" + ok.replace("\"image_id\"", "image_id") + "]", "[0]: expected a field name, got 'i'"},
                {"[" + ok.replace("\"image_id\":1", "\"x\":\"\\q\",\"image_id\":1") + "]", "[0].x: malformed JSON: bad escape \\q"},
                {"[" + ok.replace("0.5", "0." + "1".repeat(5000)) + "]", "[0].score: a number longer than 4096 characters"},
        };
        for (String[] c : cases) {
            String m = error(c[0]);
            assertTrue(m.startsWith("dt.json: ") && m.contains(c[1]), "for " + c[0].substring(0, Math.min(80, c[0].length())) + "\ngot " + m
                    + "\nwanted " + c[1]);
        }
    }
}
