"""``tf.train``: optimizers, learning-rate schedules, global step, Saver and checkpoints."""
from .optimizer import Optimizer, GradientDescentOptimizer  # noqa: F401
from ..ops.io_ops import (Coordinator, batch, input_producer, shuffle_batch,  # noqa: F401,E402
                          start_queue_runners, string_input_producer)
