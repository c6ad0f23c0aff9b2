"""Layer wrappers: ``TimeDistributed`` (a layer on every time step) and ``Bidirectional``."""
from ...core.shape import TensorShape
from .base import Layer, no_record, shape_tuple
from .recurrent_cells import _tf, get_mask, set_mask

__all__ = ["TimeDistributed", "Bidirectional"]


class Wrapper(Layer):
    """A layer around another one (``self.layer``), whose weights are its own."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `%s` layer with a `Layer` instance. You passed: %s"
                             % (type(self).__name__, layer))
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config["layer"] = serialize(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every time step: (batch, time, ...) -> (batch, time, ...out).

    Example:
      >>> model.add(keras.layers.TimeDistributed(keras.layers.Dense(10)))
    """

    def call(self, inputs, training=None, mask=None):
        tf = _tf()
        d = shape_tuple(inputs)
        if d is None or len(d) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape ` with at "
                             f"least 3 dimensions, received: {None if d is None else list(d)}")
        inner = [-1 if v is None else v for v in d[2:]]
        if None in d[2:]:
            inner = tf.concat([[-1], tf.shape(inputs)[2:]], 0)
        x = tf.reshape(inputs, [-1] + inner if isinstance(inner, list) else inner)
        kw = {"training": training} if self.layer._call_accepts("training") else {}
        with no_record():
            y = self.layer(x, **kw)
        yd = shape_tuple(y)
        b = d[0] if d[0] is not None else tf.shape(inputs)[0]
        t = d[1] if d[1] is not None else tf.shape(inputs)[1]
        rest = list(yd[1:]) if yd is not None and None not in yd[1:] else None
        if rest is not None and not any(isinstance(v, _tf().Tensor) for v in (b, t)):
            y = tf.reshape(y, [b, t] + rest)
        else:
            y = tf.reshape(y, tf.concat([tf.stack([b, t]), tf.shape(y)[1:]], 0))
            if rest is not None:
                y.set_shape([d[0], d[1]] + rest)
        set_mask(y, mask if mask is not None else get_mask(inputs))
        return y

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        s = TensorShape(input_shape).as_tuple()
        inner = self.layer.compute_output_shape(TensorShape((s[0],) + tuple(s[2:])))
        return TensorShape(s[:2] + tuple(TensorShape(inner).as_tuple()[1:]))


class Bidirectional(Wrapper):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges their outputs.

    Args:
      layer: an RNN layer (LSTM, GRU, SimpleRNN, RNN).
      merge_mode: 'concat' (default), 'sum', 'mul', 'ave', or None (a list of both outputs).
      backward_layer: the backward layer (default: ``layer``'s copy with go_backwards flipped).
    Example:
      >>> model.add(keras.layers.Bidirectional(keras.layers.LSTM(64), input_shape=(10, 8)))
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be "
                             "one of {'sum', 'mul', 'ave', 'concat', None}")
        super().__init__(layer, **kwargs)
        custom = backward_layer is not None
        del self._sublayers[:]   # the wrapped layer is a template: its copies hold the weights
        cfg = layer.get_config()
        cfg["name"] = "forward_" + layer.name
        self.forward_layer = type(layer).from_config(cfg)
        if backward_layer is None:
            cfg = layer.get_config()
            cfg["name"] = "backward_" + layer.name
            cfg["go_backwards"] = not cfg.get("go_backwards", False)
            backward_layer = type(layer).from_config(cfg)
        elif backward_layer.go_backwards == layer.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value.")
        self.backward_layer = backward_layer
        for lay in (self.forward_layer, self.backward_layer):
            lay.zero_output_for_mask = lay.return_sequences
        self.merge_mode = merge_mode
        self._custom_backward = custom
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self._bi_weights = weights

    def _all_sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def __call__(self, inputs, initial_state=None, **kwargs):
        if initial_state is not None:
            st = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
            if len(st) % 2:
                raise ValueError("When passing `initial_state` to a Bidirectional RNN, the state "
                                 "should be a list containing the states of the underlying RNNs. "
                                 f"Received: {initial_state}")
            inputs = [inputs] + st
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=None, mask=None, initial_state=None):
        tf = _tf()
        if isinstance(inputs, (list, tuple)):
            inputs, rest = inputs[0], list(inputs[1:])
            initial_state = rest or initial_state
        if mask is None:
            mask = get_mask(inputs)
        kw = {"training": training, "mask": mask}
        half = len(initial_state or ()) // 2
        with no_record():   # the inner calls are part of this layer's node, not nodes of their own
            if half:
                kw_f = dict(kw, initial_state=initial_state[:half])
                kw_b = dict(kw, initial_state=initial_state[half:])
            else:
                kw_f = kw_b = kw
            yf = self.forward_layer(inputs, **kw_f)
            yb = self.backward_layer(inputs, **kw_b)
        if self._bi_weights is not None:
            self.set_weights(self._bi_weights)
            self._bi_weights = None
        sf = sb = []
        if self.return_state:
            yf, sf = yf[0], yf[1:]
            yb, sb = yb[0], yb[1:]
        if self.return_sequences:
            yb = tf.reverse(yb, [0 if self.forward_layer.time_major else 1])
        if self.merge_mode == "concat":
            out = tf.concat([yf, yb], -1)
        elif self.merge_mode == "sum":
            out = yf + yb
        elif self.merge_mode == "ave":
            out = (yf + yb) * 0.5
        elif self.merge_mode == "mul":
            out = yf * yb
        else:
            out = [yf, yb]
        if self.return_sequences:
            for o in (out if isinstance(out, list) else [out]):
                set_mask(o, mask)
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + list(sf) + list(sb)
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            n = len(self.forward_layer._states_sizes())
            return outs + [None] * (2 * n)
        return outs if self.merge_mode is None else out

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        if self._custom_backward:
            config["backward_layer"] = serialize(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize(config["backward_layer"], custom_objects)
        return super().from_config(config, custom_objects)
