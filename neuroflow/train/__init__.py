"""``tf.train``: optimizers, learning-rate schedules, global step, Saver and checkpoints."""
from .optimizer import Optimizer, GradientDescentOptimizer  # noqa: F401
