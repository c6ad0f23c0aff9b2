"""A large variable's built-in update runs in slices on worker threads: same numbers as whole."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.core import parallel
from neuroflow.train import optimizer as train_optimizer


def _steps(make_opt, parts):
    parallel.set_num_parts(parts)
    try:
        rng = np.random.RandomState(0)
        w0 = rng.randn(1000, 600).astype(np.float32)     # 600,000 elements: two slices
        grads = [rng.randn(1000, 600).astype(np.float32) for _ in range(3)]
        v = tf.Variable(w0)
        opt = make_opt()
        for g in grads:
            opt.apply_gradients([(tf.constant(g), v)])
        return v.numpy()
    finally:
        parallel.set_num_parts(0)


@pytest.mark.parametrize("make_opt", [
    lambda: keras.optimizers.Adam(0.01),
    lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    lambda: tf.train.AdamOptimizer(0.01),
    lambda: tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True),
])
def test_sliced_update_equals_whole(make_opt, monkeypatch):
    whole = _steps(make_opt, 1)
    seen = []
    real = train_optimizer._update_slice

    def counted(update, k, *args):
        seen.append(k)
        return real(update, k, *args)
    monkeypatch.setattr(train_optimizer, "_update_slice", counted)
    sliced = _steps(make_opt, 2)
    assert sorted(seen) == [0, 0, 0, 1, 1, 1]     # three steps, two slices each
    np.testing.assert_array_equal(sliced, whole)
    assert not np.array_equal(whole, np.random.RandomState(0).randn(1000, 600).astype(np.float32))


def test_cheap_updates_stay_whole(monkeypatch):
    """Plain gradient descent (two passes) on 600,000 floats costs less than a hand-off saves."""
    seen = []
    monkeypatch.setattr(train_optimizer, "_update_slice", lambda *a: seen.append(a))
    _steps(lambda: tf.train.GradientDescentOptimizer(0.1), 2)
    assert seen == []


def test_a_users_update_rule_is_never_sliced():
    calls = []

    class Mine(keras.optimizers.SGD):
        def _update_fn(self, var):
            def update(w, g, slots, lr, *rest):
                calls.append(w.shape)
                w -= float(lr) * g
            return update
    parallel.set_num_parts(2)
    try:
        v = tf.Variable(np.zeros((700, 400), np.float32))
        Mine(0.5).apply_gradients([(tf.constant(np.ones((700, 400), np.float32)), v)])
    finally:
        parallel.set_num_parts(0)
    assert calls == [(700, 400)]
    np.testing.assert_array_equal(v.numpy(), -0.5)
