package io.henas.train;

import java.util.List;
import java.util.Objects;

import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;

/**
 * An export-ready network: a {@link LoweredNet} folded by {@link io.henas.ir.NetFold} (batch-norms remain only where
 * no linear layer precedes them) and its {@link NetWeights} (validated against it). {@code PlainForward.logits(net, weights, x)} equals the original network's logits (in
 * inference mode) up to rounding. Node names are the original ones.
 *
 * @param net       the folded network
 * @param weights   its weights
 * @param remaining what is left for the HE plan compiler to merge, one human-readable line per item (poly2
 *                  coefficients, batch-norms kept)
 */
public record FoldedNet(LoweredNet net, NetWeights weights, List<String> remaining) {
    public FoldedNet {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(weights, "weights");
        remaining = List.copyOf(remaining);
        weights.validateFor(net);
    }
}
