"""``keras.optimizers.legacy``: the Keras 2 optimizers under the name TF 2.11+ gives them."""
from .adam import Adam, Adamax, Nadam  # noqa: F401
from .gradient_descent import SGD, Adadelta, Adagrad, Ftrl, RMSprop  # noqa: F401
from .optimizer import Optimizer  # noqa: F401
