package io.henas.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;

/**
 * Builds a DL4J {@link ComputationGraph} from a {@link LoweredNet}, one vertex per IR node (see {@link #vertexName}):
 * <ul>
 *   <li>Conv: {@code ConvolutionLayer} with explicit padding {@code (k-1)/2} and {@code ConvolutionMode.Truncate}
 *       (output {@code ceil(n/stride)}); depthwise: {@link DepthwiseLayer} (multiplier 1, same padding; DL4J's
 *       {@code DepthwiseConvolution2D} is about 60 times slower in M2.1).</li>
 *   <li>BatchNorm: {@code BatchNormalization} (eps 1e-5, DL4J's default log-std form: it stores
 *       {@code log10stdev = log10(sqrt(var))} and divides by {@code sqrt(var + eps)}; {@code useLogStd(false)} does not survive DL4J's JSON round trip
 *       in M2.1, so a saved model would reload with the wrong statistics).</li>
 *   <li>Act SQUARE: {@code ActivationLayer} with {@link SquareActivation}; POLY2: {@link Poly2Layer}.</li>
 *   <li>AvgPool: {@code SubsamplingLayer} AVG; GlobalAvgPool: {@code GlobalPoolingLayer} AVG (feed-forward output).</li>
 *   <li>Dense: {@code DenseLayer} (identity); a convolutional input is flattened by DL4J's NCHW
 *       {@code CnnToFeedForwardPreProcessor}, i.e. in C-H-W order as {@code ir.NetWeights} specifies.</li>
 *   <li>Concat: {@code MergeVertex}; Add: {@code ElementWiseVertex(Add)}.</li>
 * </ul>
 * The logits node (the IR output) feeds a {@link #OUTPUT} {@code LossLayer} with softmax and MCXENT. Activations
 * after a global pool or dense layer are feed-forward {@code [N, C]}; nodes that need a map get a
 * {@code FeedForwardToCnnPreProcessor} vertex.
 */
public final class GraphBuilder {
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the softmax + cross-entropy loss layer after the logits. */
    public static final String OUTPUT = "output";
    /**
     * Initial batch-norm scale (gamma) of a batch-norm that feeds an x^2 activation. With the default (gamma 1,
     * beta 0) every x^2 squares a centred unit-variance map: its tails grow layer by layer (max/std > 100 after four
     * squares) and a SqueezeNet-style stack of nine squares stays at chance. Starting at gamma 0.2, beta 1 makes
     * {@code (0.2 z + 1)^2 = 1 + 0.4 z + 0.04 z^2} nearly linear, like poly2's initial a = 0.05, b = 1: the same net
     * then reaches 0.59 proxy accuracy (4,000 images, 1 epoch) instead of 0.10. Gamma and beta stay learnable and
     * fold into the preceding linear layer, so the encrypted network is unchanged.
     */
    public static final double SQUARE_BN_GAMMA = 0.2;
    /** Initial batch-norm shift (beta) of a batch-norm that feeds an x^2 activation; see {@link #SQUARE_BN_GAMMA}. */
    public static final double SQUARE_BN_BETA = 1.0;

    private GraphBuilder() {
    }

    /**
     * Hyper-parameters that shape the DL4J configuration.
     *
     * @param seed            weight-initialisation seed
     * @param learningRate    Adam's (initial) learning rate
     * @param poly2InitA      initial {@code a} of poly2 activations
     * @param dataType        FLOAT for training, DOUBLE for gradient checks
     * @param totalIterations when > 0, a step schedule over this many iterations: the learning rate is multiplied
     *                        by 0.3 after 50% and by 0.1 after 80% of them; 0 keeps it constant
     * @param weightDecay     decoupled weight decay (DL4J's {@code WeightDecay} with the learning rate applied, i.e.
     *                        AdamW): after each update, convolution, depthwise and dense weights are multiplied by
     *                        {@code 1 - lr * weightDecay} with the step's scheduled {@code lr}; biases, batch-norm
     *                        parameters (DL4J never regularises them) and poly2 coefficients
     *                        ({@link Poly2Layer}) are not decayed; in [0, 1], 0 = none
     */
    public record Options(long seed, double learningRate, double poly2InitA, DataType dataType, int totalIterations,
                          double weightDecay) {
        public Options {
            if (!(weightDecay >= 0 && weightDecay <= 1)) {
                throw new IllegalArgumentException("weightDecay must be in [0, 1], but was " + weightDecay);
            }
            if (totalIterations < 0) {
                throw new IllegalArgumentException("totalIterations must be >= 0, but was " + totalIterations);
            }
            if (!(learningRate > 0) || learningRate > 1) {
                throw new IllegalArgumentException("learningRate must be in (0, 1], but was " + learningRate);
            }
            if (!Double.isFinite(poly2InitA)) {
                throw new IllegalArgumentException("poly2InitA must be finite, but was " + poly2InitA);
            }
        }

        /** Options without weight decay. */
        public Options(long seed, double learningRate, double poly2InitA, DataType dataType, int totalIterations) {
            this(seed, learningRate, poly2InitA, dataType, totalIterations, 0);
        }

        /** Adam 1e-3 (constant), poly2 a = 0.05, float32. */
        public static Options defaults(long seed) {
            return new Options(seed, 1e-3, 0.05, DataType.FLOAT, 0);
        }

        /** Adam with the learning rate or its step schedule. */
        public IUpdater updater() {
            if (totalIterations == 0) {
                return new Adam(learningRate);
            }
            Map<Integer, Double> steps = new HashMap<>();
            steps.put(0, learningRate);
            steps.put(Math.max(1, totalIterations / 2), learningRate * 0.3);
            steps.put(Math.max(2, totalIterations * 4 / 5), learningRate * 0.1);
            return new Adam(new MapSchedule(ScheduleType.ITERATION, steps));
        }
    }

    /** The DL4J vertex name of an IR node: {@code n<id>_<name without brackets, other non-word characters as '_'>}, e.g. {@code n3_layers2_squeeze}. */
    public static String vertexName(LoweredNet.Node n) {
        return n.id() == 0 ? INPUT : "n" + n.id() + "_" + n.name().replaceAll("[\\[\\]]", "").replaceAll("\\W", "_");
    }

    /** Builds and initialises the graph. */
    public static ComputationGraph build(LoweredNet net, Options opt) {
        ComputationGraph g = new ComputationGraph(configure(net, opt));
        g.init();
        return g;
    }

    /** The graph configuration for {@code net}, trained with {@link Options#updater()}. */
    public static ComputationGraphConfiguration configure(LoweredNet net, Options opt) {
        return configure(net, opt, opt.updater());
    }

    /** The graph configuration for {@code net} with the given updater (e.g. {@code NoOp} for gradient checks). */
    public static ComputationGraphConfiguration configure(LoweredNet net, Options opt, IUpdater updater) {
        Shape in = net.node(0).shape();
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder()
                .seed(opt.seed())
                .dataType(opt.dataType())
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(in.height(), in.width(), in.channels(), CNN2DFormat.NCHW));
        // true when a node's DL4J activation is feed-forward [N, C] rather than a map [N, C, H, W]
        boolean[] ff = new boolean[net.nodes().size()];
        Map<Integer, String> cnnView = new HashMap<>();
        for (LoweredNet.Node n : net.nodes()) {
            if (n.id() == 0) {
                continue;
            }
            String name = vertexName(n);
            LoweredNet.Node src = net.node(n.inputs().getFirst());
            Shape s = src.shape();
            switch (n.op()) {
                case Op.Input i -> throw new IllegalStateException("input node inside the graph: " + n.name());
                case Op.Conv c -> {
                    int pad = (c.kernel() - 1) / 2;
                    org.deeplearning4j.nn.conf.layers.Layer layer = c.depthwise()
                            ? new DepthwiseLayer(c.channels(), c.kernel(), c.stride(), s.height(), s.width())
                            : new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                                    .padding(pad, pad).convolutionMode(ConvolutionMode.Truncate).nIn(s.channels())
                                    .nOut(c.channels()).activation(Activation.IDENTITY).build();
                    gb.addLayer(name, decay((BaseLayer) layer, opt.weightDecay()), cnn(gb, net, src, ff, cnnView));
                }
                case Op.BatchNorm b -> {
                    BatchNormalization.Builder bn = new BatchNormalization.Builder().eps(PlainForward.BN_EPS)
                            .useLogStd(true).nIn(s.channels()).nOut(s.channels());
                    if (feedsSquare(net, n)) {
                        bn.gamma(SQUARE_BN_GAMMA).beta(SQUARE_BN_BETA);
                    }
                    gb.addLayer(name, bn.build(), vertexName(src));
                    ff[n.id()] = ff[src.id()];
                }
                case Op.Act a -> {
                    if (a.kind() == ActivationKind.SQUARE) {
                        gb.addLayer(name, new ActivationLayer.Builder().activation(new SquareActivation()).build(),
                                vertexName(src));
                    } else {
                        gb.addLayer(name, new Poly2Layer(s.channels(), !ff[src.id()], opt.poly2InitA()), vertexName(src));
                    }
                    ff[n.id()] = ff[src.id()];
                }
                case Op.AvgPool p -> gb.addLayer(name, new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(p.size(), p.size()).stride(p.size(), p.size())
                        .convolutionMode(ConvolutionMode.Truncate).build(), cnn(gb, net, src, ff, cnnView));
                case Op.GlobalAvgPool gp -> {
                    if (ff[src.id()]) {
                        // already C x 1 x 1 as [N, C]: averaging over one position is the identity
                        gb.addLayer(name, new ActivationLayer.Builder().activation(Activation.IDENTITY).build(),
                                vertexName(src));
                    } else {
                        gb.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(true)
                                .build(), vertexName(src));
                    }
                    ff[n.id()] = true;
                }
                case Op.Dense d -> {
                    gb.addLayer(name, decay(new DenseLayer.Builder().nIn(s.size()).nOut(d.units())
                            .activation(Activation.IDENTITY).build(), opt.weightDecay()), vertexName(src));
                    ff[n.id()] = true;
                }
                case Op.Concat c -> {
                    boolean allFf = n.inputs().stream().allMatch(i -> ff[i]);
                    String[] ins = n.inputs().stream().map(i -> allFf ? vertexName(net.node(i))
                            : cnn(gb, net, net.node(i), ff, cnnView)).toArray(String[]::new);
                    gb.addVertex(name, new MergeVertex(), ins);
                    ff[n.id()] = allFf;
                }
                case Op.Add a -> {
                    boolean allFf = n.inputs().stream().allMatch(i -> ff[i]);
                    String[] ins = n.inputs().stream().map(i -> allFf ? vertexName(net.node(i))
                            : cnn(gb, net, net.node(i), ff, cnnView)).toArray(String[]::new);
                    gb.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), ins);
                    ff[n.id()] = allFf;
                }
            }
        }
        gb.addLayer(OUTPUT, new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .build(), vertexName(net.outputNode()));
        gb.setOutputs(OUTPUT);
        return gb.build();
    }

    /**
     * {@code layer} with decoupled weight decay {@code wd} on its weights (its {@code regularization}; biases are
     * DL4J's separate {@code regularizationBias}, left empty). Set per layer: a network-wide
     * {@code NeuralNetConfiguration.Builder.weightDecay} is added twice to every layer by DL4J M2.1's
     * {@code LayerValidation} (it only de-duplicates L1 and L2), which would decay at twice the rate.
     */
    private static BaseLayer decay(BaseLayer layer, double wd) {
        if (wd > 0) {
            layer.setRegularization(new ArrayList<>(List.of(new WeightDecay(wd, true))));
        }
        return layer;
    }

    /** True when every consumer of {@code n} is an x^2 activation. */
    static boolean feedsSquare(LoweredNet net, LoweredNet.Node n) {
        List<Integer> consumers = net.consumers(n.id());
        return !consumers.isEmpty() && consumers.stream().allMatch(c -> net.node(c).op() instanceof Op.Act a
                && a.kind() == ActivationKind.SQUARE);
    }

    /** The vertex giving node {@code src} as an NCHW map, adding a reshape vertex once if it is feed-forward. */
    private static String cnn(ComputationGraphConfiguration.GraphBuilder gb, LoweredNet net, LoweredNet.Node src,
                              boolean[] ff, Map<Integer, String> cnnView) {
        if (!ff[src.id()]) {
            return vertexName(src);
        }
        return cnnView.computeIfAbsent(src.id(), id -> {
            String v = vertexName(src) + "_map";
            Shape s = src.shape();
            gb.addVertex(v, new PreprocessorVertex(new FeedForwardToCnnPreProcessor(s.height(), s.width(),
                    s.channels())), vertexName(src));
            return v;
        });
    }

    /** Vertex names of all IR nodes, by node id. */
    public static List<String> vertexNames(LoweredNet net) {
        List<String> out = new ArrayList<>();
        for (LoweredNet.Node n : net.nodes()) {
            out.add(vertexName(n));
        }
        return out;
    }
}
