"""``tensorflow.examples.tutorials.mnist``: the MNIST reader of the TF1 tutorials."""
from . import input_data  # noqa: F401
