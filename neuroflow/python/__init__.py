"""``tensorflow.python``: the internal module paths some course scripts import from.

Each module resolves its names to the public neuroflow namespace (``tf.X``, then ``tf.nn.X``).
"""
from . import framework, layers, ops  # noqa: F401
