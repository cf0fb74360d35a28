package io.henas.cost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.ir.Architecture;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

/**
 * Measurement tool (not a test): prints rotation, Galois step, mul_plain counts and key memory of the plans of the
 * given space files (their fixed architecture or references) at the automatic ring and at forced (insecure) rings.
 * Usage: {@code PlanCounts [--logn 13,14] [--cpc 0,4] [--merge on|off] FILE.yaml...}.
 */
public final class PlanCounts {
    public static void main(String[] args) {
        List<Integer> logNs = List.of(0, 13, 14);
        List<Integer> cpcs = List.of(0);
        boolean merge = true;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--logn" -> logNs = ints(args[++i]);
                case "--cpc" -> cpcs = ints(args[++i]);
                case "--merge" -> merge = args[++i].equals("on");
                default -> files.add(Path.of(args[i]));
            }
        }
        System.out.println("arch | logN | ch/ct | depth | rotations | hoisted | steps | mul_plain | mul_const | galois MiB"
                + " (top) | galois MiB (leveled est.) | relin MiB (leveled est.)");
        for (Path f : files) {
            SearchSpace s = SpaceLoader.load(f);
            List<Architecture> archs = s.isFixed() ? List.of(s.fixed()) : s.references();
            for (Architecture a : archs) {
                for (int logN : logNs) {
                    for (int cpc : cpcs) {
                        System.out.println(row(f, a, merge, logN, cpc));
                    }
                }
            }
        }
    }

    static String row(Path f, Architecture a, boolean merge, int logN, int cpc) {
        CompileOptions o = CompileOptions.defaults(merge).withMaxChannelsPerCiphertext(cpc);
        String id = f.getFileName() + ":" + a.name();
        HePlan p;
        try {
            p = logN == 0 ? HePlan.compile(a.lower(), o) : HePlan.compileInsecure(a.lower(), o, logN);
        } catch (RuntimeException e) {
            return id + " | " + logN + " | " + cpc + " | error: " + e.getMessage();
        }
        long rot = 0;
        long hoisted = 0;
        long mulPlain = 0;
        long mulConst = 0;
        for (int i = 0; i < p.instructionCount(); i++) {
            switch (p.op(i)) {
                case ROTATE -> rot++;
                case ROTATE_HOISTED -> {
                    rot++;
                    hoisted++;
                }
                case MUL_PLAIN, MUL_PLAIN_ACC -> mulPlain++;
                case MUL_CONST -> mulConst++;
                default -> {
                }
            }
        }
        double mib = 1 << 20;
        return String.format("%s | %d | %d | %d | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f", id, p.logN(),
                p.blocksPerCiphertext(), p.depth(), rot, hoisted, p.galoisSteps().length, mulPlain, mulConst,
                MemoryModel.topLevelGaloisKeyBytes(p) / mib, MemoryModel.galoisKeyBytes(p) / mib,
                MemoryModel.relinearizationKeyBytes(p) / mib);
    }

    private static List<Integer> ints(String s) {
        return java.util.Arrays.stream(s.split(",")).map(Integer::parseInt).toList();
    }
}
