"""``tf.train``: optimizers, learning-rate schedules, global step, Saver and checkpoints."""
from .learning_rate_decay import *  # noqa: F401,F403
from .optimizer import GradientDescentOptimizer, Optimizer, ProximalGradientDescentOptimizer  # noqa: F401
from .optimizers import (AdadeltaOptimizer, AdagradOptimizer, AdamOptimizer, FtrlOptimizer,  # noqa: F401
                         MomentumOptimizer, RMSPropOptimizer)
from .training_util import *  # noqa: F401,F403
