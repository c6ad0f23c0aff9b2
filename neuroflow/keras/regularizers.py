"""``keras.regularizers``: weight penalties added to the training loss (l1, l2, l1_l2)."""


def _tf():
    import neuroflow
    return neuroflow


class Regularizer:
    """Base class: ``regularizer(weight)`` returns a scalar penalty tensor."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(str(self) + " does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2).

    Example:
      >>> reg = keras.regularizers.L1L2(l1=0.01, l2=0.0)
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        tf = _tf()
        x = tf.convert_to_tensor(x)
        out = None
        if self.l1:
            out = self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            t = self.l2 * tf.reduce_sum(tf.square(x))
            out = t if out is None else out + t
        return tf.constant(0.0, dtype=x.dtype) if out is None else out

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01, **kwargs):
        super().__init__(l1=kwargs.pop("l", l1))

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01, **kwargs):
        super().__init__(l2=kwargs.pop("l", l2))

    def get_config(self):
        return {"l2": self.l2}


def l1(l1=0.01):  # noqa: E741 - Keras's name
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):  # noqa: E741
    return L1L2(l1=l1, l2=l2)


_CLASSES = {"L1L2": L1L2, "L1": L1, "L2": L2, "l1": L1, "l2": L2, "l1_l2": L1L2}


from ._registry import serializers  # noqa: E402

serialize, deserialize, get = serializers(_CLASSES, "regularizer")
