package io.mssd.tools.data;

import java.util.Comparator;

/** Compares names with runs of digits as numbers: "img-2" < "img-10". */
final class NaturalOrder implements Comparator<String> {
    static final NaturalOrder INSTANCE = new NaturalOrder();

    @Override
    public int compare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i), cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && a.charAt(i) == '0') i++;
                while (j < b.length() && b.charAt(j) == '0') j++;
                int ni = i, nj = j;
                while (ni < a.length() && Character.isDigit(a.charAt(ni))) ni++;
                while (nj < b.length() && Character.isDigit(b.charAt(nj))) nj++;
                int c = Integer.compare(ni - i, nj - j);
                if (c == 0) c = a.substring(i, ni).compareTo(b.substring(j, nj));
                if (c == 0) c = Integer.compare(ni - si, nj - sj);
                if (c != 0) return c;
                i = ni;
                j = nj;
            } else {
                if (ca != cb) return Character.compare(ca, cb);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
