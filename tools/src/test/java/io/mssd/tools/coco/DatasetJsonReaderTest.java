package io.mssd.tools.coco;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetJsonReaderTest {
    static final String IMAGE = "{\"id\":1,\"width\":10,\"height\":20,\"file_name\":\"a.jpg\"}";
    static final String ANN = "{\"id\":7,\"image_id\":1,\"category_id\":3,\"bbox\":[0,0.5,5,5],\"area\":25,\"iscrowd\":0,"
            + "\"segmentation\":[[1,2,3,4,5,6]]}";
    static final String CAT = "{\"id\":3,\"name\":\"car\",\"supercategory\":\"vehicle\"}";

    static String gt(String image, String ann, String cat) {
        return "{\"info\":{\"year\":2017,\"a\":[1,{\"b\":null}]},\"licenses\":[],\"images\":[" + image + "],\"annotations\":["
                + ann + "],\"categories\":[" + cat + "]}";
    }

    static CocoDataset read(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return DatasetJsonReader.read(b, b.length, "gt.json");
    }

    @Test
    void readsTheFieldsBoxEvaluationNeedsAndSkipsTheRest() {
        CocoDataset d = read(gt(IMAGE, ANN + "," + ANN.replace("\"iscrowd\":0", "\"iscrowd\":true,\"ignore\":1"), CAT));
        assertEquals(List.of(new CocoDataset.Image(1, 10, 20, "a.jpg")), d.images());
        assertEquals(new CocoDataset.Annotation(7, 1, 3, 0, 0.5, 5, 5, 25, false, false), d.annotations().get(0));
        assertEquals(new CocoDataset.Annotation(7, 1, 3, 0, 0.5, 5, 5, 25, true, true), d.annotations().get(1));
        assertEquals(List.of(new CocoDataset.Category(3, "car")), d.categories());
        // names with escapes (a surrogate pair among them), UTF-8 as is, and longer than the 4 KiB token buffer
        String longName = "x".repeat(10_000);
        d = read(gt(IMAGE.replace("a.jpg", "d\\u00e9j\\u00e0 \\ud83d\\ude00 \\\"q\\\"\\\\n\\/" + "ü"), "", CAT.replace("car", longName)));
        assertEquals("déjà 😀 \"q\"\\n/ü", d.images().get(0).fileName());
        assertEquals(longName, d.categories().get(0).name());
        // escaped field names, empty arrays, whitespace everywhere
        d = read(" {\n \"im\\u0061ges\" : [ ] , \"annotations\":[],\"categories\":[ ]\t}\n");
        assertTrue(d.images().isEmpty() && d.annotations().isEmpty() && d.categories().isEmpty());
    }

    @Test
    void badInputsNameThePathAndTheProblem() {
        String ok = gt(IMAGE, ANN, CAT);
        String[][] cases = {
                {"[1,2]", "$: expected an object with images, annotations and categories, got an array"},
                {"", "$: expected an object with images, annotations and categories, got the end of the file"},
                {ok.replace(",\"images\":[" + IMAGE + "]", ""), "images: missing field (expected an array of images)"},
                {ok.replace(",\"categories\":[" + CAT + "]", ""), "categories: missing field (expected an array of categories)"},
                {ok.replace("\"images\":[" + IMAGE + "]", "\"images\":{}"), "images: expected an array, got an object"},
                {ok.replace("\"images\":[" + IMAGE + "]", "\"images\":[3]"), "images[0]: expected an image object, got a number"},
                {gt(IMAGE + "," + IMAGE.replace("\"id\":1,", ""), ANN, CAT), "images[1].id: missing field"},
                {gt(IMAGE.replace("\"a.jpg\"", "7"), ANN, CAT), "images[0].file_name: expected a string, got a number"},
                {gt(IMAGE.replace("\"id\":1", "\"id\":1.5"), ANN, CAT), "images[0].id: expected an integer id, got 1.5"},
                {gt(IMAGE, ANN.replace("\"area\":25,", ""), CAT), "annotations[0].area: missing field"},
                {gt(IMAGE, ANN.replace("\"image_id\":1,", ""), CAT), "annotations[0].image_id: missing field"},
                {gt(IMAGE, ANN.replace("[0,0.5,5,5]", "[0,0.5,-5,5]"), CAT), "annotations[0].bbox[2]: negative width -5.0"},
                {gt(IMAGE, ANN.replace("[0,0.5,5,5]", "[0,0.5,5]"), CAT), "annotations[0].bbox: expected 4 numbers [x, y, width, height], got 3"},
                {gt(IMAGE, ANN.replace("[0,0.5,5,5]", "[0,\"NaN\",5,5]"), CAT), "annotations[0].bbox[1]: expected a finite number, got NaN"},
                {gt(IMAGE, ANN.replace("\"area\":25", "\"area\":Infinity"), CAT), "annotations[0].area: expected a finite number, got Infinity"},
                {gt(IMAGE, ANN.replace("\"iscrowd\":0", "\"iscrowd\":yes"), CAT), "annotations[0].iscrowd: expected true, false or a number, got 'y'"},
                {gt(IMAGE, ANN.replace("\"iscrowd\":0", "\"iscrowd\":truth"), CAT), "annotations[0].iscrowd: malformed JSON: unexpected 'truth'"},
                {gt(IMAGE, ANN.replace("[[1,2,3,4,5,6]]", "[[1,2,3,4,5,6]"), CAT), "annotations[0].segmentation: expected , or ], got '}'"},
                {gt(IMAGE, ANN, CAT.replace(",\"name\":\"car\"", "")), "categories[0].name: missing field"},
                {gt(IMAGE, ANN, CAT.replace("\"car\"", "\"c\\ar\"")), "categories[0].name: malformed JSON: bad escape \\a"},
                {gt(IMAGE, ANN, CAT) + " x", "$: expected the end of the file after the dataset object, got 'x'"},
                {ok.substring(0, ok.indexOf("[0,0.5") + 4), "annotations[0].bbox: unexpected end of file (truncated JSON?)"},
                {ok.substring(0, 150), "unexpected end of file (truncated JSON?)"},
                {ok.substring(0, ok.indexOf("[[1,2,3") + 5) + ".", "annotations[0].segmentation: unexpected end of file (truncated JSON?)"},
                {ok.replace("\"licenses\":[]", "\"licenses\":" + "[".repeat(600)), "licenses: values nested deeper than 512"},
                {ok.replace("\"licenses\"", "licenses"), "$: expected a field name, got 'l'"},
                {gt(IMAGE, ANN.replace("\"area\":25", "\"area\":" + "1".repeat(5000)), CAT), "annotations[0].area: a number longer than 4096 characters"},
        };
        for (String[] c : cases) {
            String m = assertThrows(CocoFormatException.class, () -> read(c[0])).getMessage();
            assertTrue(m.startsWith("gt.json: ") && m.contains(c[1]), "for " + c[0].substring(0, Math.min(120, c[0].length()))
                    + "\ngot " + m + "\nwanted " + c[1]);
        }
    }
}
