package io.henas.cli;

/** {@code --calibrate auto|never}: measure the evaluator where the calibration cache lacks a shape, or never. */
enum CalibrateMode { auto, never }
