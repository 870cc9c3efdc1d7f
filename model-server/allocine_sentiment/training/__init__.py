"""Training and measuring models: the labelled data, the n-gram training loop, calibration, metrics and the
command lines (train, calibrate, evaluate). Never imported by serving."""
