package io.henas.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small inline-SVG drawing of a network from its canonical key ({@code 1x28x28>conv16k3s1 bn poly2 avg2 ...}):
 * one box per operation, coloured by kind (convolution, pointwise, depthwise, pooling, dense, add / concat), with a
 * dot after it for its activation (red x^2, violet poly2). Batch-norm is left out (it folds into the neighbours under
 * HE). Boxes wrap into rows.
 */
final class BlockDrawing {
    private static final int W = 62, H = 34, GAP = 12, PER_ROW = 10;
    private static final Pattern CONV = Pattern.compile("conv(\\d+)k(\\d+)s(\\d+)(@.*)?");
    private static final Pattern DW = Pattern.compile("dwk(\\d+)s(\\d+)(@.*)?");

    private BlockDrawing() {
    }

    record Box(String line1, String line2, String fill, String act) {
    }

    static String svg(String key) {
        List<Box> boxes = boxes(key);
        int rows = Math.max(1, (boxes.size() + PER_ROW - 1) / PER_ROW);
        int cols = Math.min(PER_ROW, Math.max(1, boxes.size()));
        int width = cols * (W + GAP) + 4, height = rows * (H + 16) + 4;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"layers\">", width, height,
                width, height));
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            int x = 2 + (i % PER_ROW) * (W + GAP), y = 2 + (i / PER_ROW) * (H + 16);
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" "
                    + "fill=\"%s\" stroke=\"#555\"/>", x, y, W, H, b.fill()));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                    + "font-family=\"sans-serif\">%s</text>", x + W / 2, y + 14, RunReport.esc(b.line1())));
            if (!b.line2().isEmpty()) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" "
                        + "font-family=\"sans-serif\" fill=\"#333\">%s</text>", x + W / 2, y + 27,
                        RunReport.esc(b.line2())));
            }
            if (b.act() != null) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"><title>%s"
                        + "</title></circle>", x + W + GAP / 2, y + H / 2, b.act().equals("square") ? "#d62728"
                        : "#9467bd", b.act().equals("square") ? "x^2" : "poly2"));
            } else if (i + 1 < boxes.size() && (i + 1) % PER_ROW != 0) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
                        x + W, y + H / 2, x + W + GAP, y + H / 2));
            }
        }
        return s.append("</svg>").toString();
    }

    /** The boxes of a canonical key (tolerates unknown tokens: drawn grey with their text). */
    static List<Box> boxes(String key) {
        List<Box> out = new ArrayList<>();
        String body = key.startsWith("ref:") ? key.substring(4) : key;
        int gt = body.indexOf('>');
        String input = gt > 0 ? body.substring(0, gt) : "";
        if (gt > 0) {
            body = body.substring(gt + 1);
        }
        int end = body.lastIndexOf('>');
        if (end > 0) {
            body = body.substring(0, end);
        }
        if (!input.isEmpty()) {
            out.add(new Box("input", input, "#ffffff", null));
        }
        for (String tok : body.trim().split("\\s+")) {
            if (tok.isEmpty() || tok.equals("bn")) {
                continue;
            }
            if ((tok.equals("square") || tok.equals("poly2")) && !out.isEmpty()) {
                Box last = out.remove(out.size() - 1);
                out.add(new Box(last.line1(), last.line2(), last.fill(), tok));
                continue;
            }
            Matcher m = CONV.matcher(tok);
            Matcher d = DW.matcher(tok);
            if (m.matches()) {
                boolean pw = m.group(2).equals("1");
                out.add(new Box((pw ? "pw " : "conv ") + m.group(1), pw ? stride(m.group(3))
                        : m.group(2) + "x" + m.group(2) + stride(m.group(3)), pw ? "#c6dbef" : "#6baed6", null));
            } else if (d.matches()) {
                out.add(new Box("dw", d.group(1) + "x" + d.group(1) + stride(d.group(2)), "#a1d99b", null));
            } else if (tok.startsWith("avg")) {
                out.add(new Box("avgpool", tok.substring(3), "#d9d9d9", null));
            } else if (tok.equals("gap")) {
                out.add(new Box("global", "avg pool", "#d9d9d9", null));
            } else if (tok.startsWith("fc")) {
                out.add(new Box("dense", tok.substring(2), "#bcbddc", null));
            } else if (tok.startsWith("add")) {
                out.add(new Box("add", "residual", "#fdae6b", null));
            } else if (tok.startsWith("cat")) {
                out.add(new Box("concat", "", "#fdae6b", null));
            } else {
                out.add(new Box(tok.length() > 9 ? tok.substring(0, 9) : tok, "", "#eeeeee", null));
            }
        }
        return out;
    }

    private static String stride(String s) {
        return s.equals("1") ? "" : " /" + s;
    }
}
