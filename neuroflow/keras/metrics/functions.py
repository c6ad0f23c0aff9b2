"""Metric functions (one value per sample) and how 'accuracy' / 'acc' is resolved."""
from .. import backend as K
from ..losses import (binary_crossentropy, categorical_crossentropy,  # noqa: F401
                      categorical_hinge, hinge, kl_divergence, log_cosh,
                      mean_absolute_error, mean_absolute_percentage_error,
                      mean_squared_error, mean_squared_logarithmic_error, poisson,
                      sparse_categorical_crossentropy, squared_hinge)


def _tf():
    import neuroflow
    return neuroflow


def accuracy(y_true, y_pred):
    """1.0 where y_pred equals y_true exactly, elementwise.

    Example:
      >>> keras.metrics.accuracy([1, 2, 3], [1, 2, 0]).numpy()
      array([1., 1., 0.], dtype=float32)
    """
    tf = _tf()
    y_true, y_pred = tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred)
    if y_true.dtype is not y_pred.dtype:
        y_pred = tf.cast(y_pred, y_true.dtype)
    return tf.cast(tf.equal(y_true, y_pred), K.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """mean over the last axis of (y_pred > threshold) == y_true.

    Example:
      >>> keras.metrics.binary_accuracy([[1.], [0.]], [[0.6], [0.7]]).numpy()
      array([1., 0.], dtype=float32)
    """
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    pred = tf.cast(tf.greater(y_pred, threshold), y_pred.dtype)
    return tf.reduce_mean(tf.cast(tf.equal(y_true, pred), K.floatx()), axis=-1)


def _sparse_matches(y_true, y_pred):
    """1.0 where argmax(y_pred) == y_true, shaped like y_true."""
    tf = _tf()
    y_pred, y_true = tf.convert_to_tensor(y_pred), tf.convert_to_tensor(y_true)
    squeezed = y_true.shape.ndims is not None and y_true.shape.ndims == y_pred.shape.ndims
    if squeezed:
        y_true = tf.squeeze(y_true, [-1])
    pred = tf.argmax(y_pred, axis=-1)
    if pred.dtype is not y_true.dtype:
        pred = tf.cast(pred, y_true.dtype)
    return tf.cast(tf.equal(y_true, pred), K.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) == argmax(y_true) (one-hot targets), per sample.

    Example:
      >>> keras.metrics.categorical_accuracy([[0, 0, 1], [0, 1, 0]],
      ...                                    [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]).numpy()
      array([0., 1.], dtype=float32)
    """
    return _sparse_matches(_tf().argmax(y_true, axis=-1), y_pred)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) == y_true (integer targets, shape (N,) or (N, 1)), per sample.

    Example:
      >>> keras.metrics.sparse_categorical_accuracy([[2], [1]],
      ...                                           [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]).numpy()
      array([0., 1.], dtype=float32)
    """
    return _sparse_matches(y_true, y_pred)


def _in_top_k(targets, y_pred, k):
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    targets = tf.convert_to_tensor(targets)
    shape = tf.shape(targets)
    if y_pred.shape.ndims is not None and y_pred.shape.ndims > 2:
        y_pred = tf.reshape(y_pred, [-1, y_pred.shape.as_list()[-1]])
    flat = tf.reshape(targets, [-1]) if targets.shape.ndims != 1 else targets
    hits = tf.cast(tf.nn.in_top_k(y_pred, tf.cast(flat, tf.int32), k), K.floatx())
    return hits if targets.shape.ndims == 1 else tf.reshape(hits, shape)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the true class (one-hot) is among the k highest predictions.

    Example:
      >>> keras.metrics.top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]],
      ...                                          [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    """
    return _in_top_k(_tf().argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the true class (an integer) is among the k highest predictions."""
    tf = _tf()
    y_true, y_pred = tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred)
    nt, npred = y_true.shape.ndims, y_pred.shape.ndims
    if nt is not None and npred is not None and nt == npred and y_true.shape.as_list()[-1] == 1:
        y_true = tf.squeeze(y_true, [-1])
    return _in_top_k(y_true, y_pred, k)


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(l2_normalize(y_true) * l2_normalize(y_pred)) along ``axis`` (1 = same direction)."""
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_sum(tf.nn.l2_normalize(y_true, axis=axis) *
                         tf.nn.l2_normalize(y_pred, axis=axis), axis=axis)


acc = ACC = accuracy
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy

ACCURACY_KINDS = {binary_accuracy: "binary", categorical_accuracy: "categorical",
                  sparse_categorical_accuracy: "sparse"}


def _loss_name(loss):
    return getattr(loss, "__name__", None) or getattr(getattr(loss, "fn", None), "__name__", "")


def _kind(y_true_ndim, y_true_last, y_pred_ndim, y_pred_last, loss):
    """'binary', 'sparse' or 'categorical' for these target/output shapes and this loss."""
    lname = _loss_name(loss)
    if lname == "binary_crossentropy" or y_pred_last == 1:
        return "binary"
    if lname == "sparse_categorical_crossentropy" or (
            y_true_ndim is not None and y_pred_ndim is not None and y_true_ndim < y_pred_ndim) \
            or (y_true_last == 1 and y_pred_last != 1):
        return "sparse"
    return "categorical"


def resolve_accuracy(name, y_true_ndim, y_true_last, y_pred_ndim, y_pred_last, loss=None):
    """The function 'accuracy' / 'acc' means here, as Keras decides it: binary accuracy for a
    binary cross-entropy loss or one output unit, sparse for integer targets, else categorical.

    Example:
      >>> keras.metrics.resolve_accuracy('acc', 2, 10, 2, 10, 'categorical_crossentropy')
      <function categorical_accuracy ...>
    """
    kind = _kind(y_true_ndim, y_true_last, y_pred_ndim, y_pred_last, loss)
    return {"binary": binary_accuracy, "sparse": sparse_categorical_accuracy,
            "categorical": categorical_accuracy}[kind]


def resolve_crossentropy(name, y_true_ndim, y_true_last, y_pred_ndim, y_pred_last, loss=None):
    """The function 'crossentropy' / 'ce' means here (the same rule as ``resolve_accuracy``)."""
    kind = _kind(y_true_ndim, y_true_last, y_pred_ndim, y_pred_last, loss)
    return {"binary": binary_crossentropy, "sparse": sparse_categorical_crossentropy,
            "categorical": categorical_crossentropy}[kind]
