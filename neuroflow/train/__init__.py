"""``tf.train``: optimizers, learning-rate schedules, global step, Saver and checkpoints."""
from .learning_rate_decay import *  # noqa: F401,F403
from .optimizer import (GradientDescentOptimizer, Optimizer,  # noqa: F401
                        ProximalGradientDescentOptimizer)
from .optimizers import (AdadeltaOptimizer, AdagradOptimizer, AdamOptimizer,  # noqa: F401
                         FtrlOptimizer, MomentumOptimizer, RMSPropOptimizer)
from .training_util import *  # noqa: F401,F403
from .moving_averages import ExponentialMovingAverage  # noqa: F401
from ..ops.io_ops import (Coordinator, batch, input_producer, shuffle_batch,  # noqa: F401,E402
                          start_queue_runners, string_input_producer)
from .saver import *  # noqa: F401,F403,E402  (Saver, checkpoints: neuroflow/train/saver.py)
