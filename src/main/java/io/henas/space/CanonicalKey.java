package io.henas.space;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.StringJoiner;

import io.henas.ir.Architecture;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;

/**
 * The canonical string of an architecture: its input, classes and lowered primitive DAG (operations and edges), without
 * names. Two architectures that compute the same function family get the same key even when written differently
 * (a separable block and its depthwise + pointwise layers, a 1x1 conv and a pointwise conv).
 */
final class CanonicalKey {
    private CanonicalKey() {
    }

    static String of(Architecture a) {
        LoweredNet net = a.lower();
        StringJoiner j = new StringJoiner(" ", a.input() + ">", ">" + a.classes());
        for (LoweredNet.Node n : net.nodes()) {
            if (n.id() == 0) {
                continue;
            }
            StringBuilder sb = new StringBuilder(op(n.op()));
            boolean sequential = n.inputs().size() == 1 && n.inputs().getFirst() == n.id() - 1;
            if (!sequential) {
                sb.append('@');
                for (int i = 0; i < n.inputs().size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(n.inputs().get(i));
                }
            }
            j.add(sb);
        }
        if (net.output() != net.nodes().size() - 1) {
            j.add("out@" + net.output());
        }
        return j.toString();
    }

    private static String op(Op op) {
        return switch (op) {
            case Op.Input i -> "in";
            case Op.Conv c -> (c.depthwise() ? "dw" : "conv" + c.channels()) + "k" + c.kernel() + "s" + c.stride();
            case Op.BatchNorm b -> "bn";
            case Op.Act act -> act.kind().key();
            case Op.AvgPool p -> "avg" + p.size();
            case Op.GlobalAvgPool g -> "gap";
            case Op.Dense d -> "fc" + d.units();
            case Op.Concat c -> "cat";
            case Op.Add add -> "add";
        };
    }

    /** Lower-case hex SHA-256 of a UTF-8 string. */
    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
