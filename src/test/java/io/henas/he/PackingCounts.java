package io.henas.he;

import java.nio.file.Path;

import io.henas.export.ExportedModel;
import io.henas.ir.LoweredNet;

/**
 * Measurement tool (not a test): per-node operation counts and Galois steps of an exported model's network under
 * each packing. Usage: {@code PackingCounts FILE.henas}.
 */
public final class PackingCounts {
    public static void main(String[] args) throws Exception {
        ExportedModel m = ExportedModel.read(Path.of(args[0]));
        LoweredNet net = m.plan().net();
        for (Packing p : Packing.values()) {
            HePlan plan = HePlan.compile(net, m.plan().options(), p);
            OpCounts c = OpCounts.of(plan);
            System.out.println(p + ": " + plan + ", Galois steps " + plan.galoisSteps().length + " "
                    + java.util.Arrays.toString(plan.galoisSteps()));
            for (LoweredNet.Node n : net.nodes()) {
                StringBuilder sb = new StringBuilder();
                for (OpKind k : OpKind.values()) {
                    if (c.count(n.id(), k) > 0) {
                        sb.append(' ').append(k.key()).append('=').append(c.count(n.id(), k));
                    }
                }
                if (!sb.isEmpty()) {
                    System.out.println("  " + n.name() + " " + n.op().getClass().getSimpleName() + " " + n.shape()
                            + " ->" + sb);
                }
            }
        }
    }
}
