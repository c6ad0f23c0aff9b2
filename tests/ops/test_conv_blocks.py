"""Convolution im2col and max pooling in batch blocks on worker threads equal one block."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core import parallel


def _run(parts, padding, stride, pool):
    parallel.set_num_parts(parts)
    try:
        rng = np.random.RandomState(2)
        x = tf.constant(rng.randn(5, 9, 8, 3))
        w = tf.constant(rng.randn(3, 3, 3, 4))
        with tf.GradientTape() as tape:
            tape.watch(x)
            tape.watch(w)
            y = tf.nn.conv2d(x, w, strides=[1, stride, stride, 1], padding=padding)
            y = tf.nn.max_pool(y, ksize=[1, pool, pool, 1], strides=[1, 2, 2, 1],
                               padding=padding)
            loss = tf.reduce_sum(y * y)
        gx, gw = tape.gradient(loss, [x, w])
        return [y.numpy(), gx.numpy(), gw.numpy()]
    finally:
        parallel.set_num_parts(0)


@pytest.mark.parametrize("padding,stride,pool", [("SAME", 1, 2), ("VALID", 1, 3),
                                                  ("SAME", 2, 3), ("VALID", 2, 2)])
def test_batch_blocks_equal_one_block(monkeypatch, padding, stride, pool):
    monkeypatch.setattr(parallel, "MIN_ELEMS", 1)
    monkeypatch.setattr(parallel, "MIN_MACS", 1 << 40)   # only the row blocks, not GEMM blocks
    seen = []
    real = parallel.run_parallel

    def counted(calls):
        seen.append(len(calls))
        return real(calls)
    monkeypatch.setattr(parallel, "run_parallel", counted)
    one = _run(1, padding, stride, pool)
    assert seen == []
    two = _run(2, padding, stride, pool)
    assert len(seen) >= 3 and set(seen) == {2}   # im2col, max pool and its gradient at least
    for a, b in zip(one, two):
        np.testing.assert_array_equal(b, a)
