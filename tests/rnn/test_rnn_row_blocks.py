"""LSTM and GRU recurrences in batch-row blocks on worker threads equal the one-block ones."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core import parallel
from neuroflow.ops import _rnn_base, rnn_ops

B, T, D, H = 20, 6, 3, 5


def _run(parts, kind, reverse, masked, rdrop, time_major):
    parallel.set_num_parts(parts)
    try:
        rng = np.random.RandomState(1)
        x = rng.uniform(-1, 1, (T, B, D) if time_major else (B, T, D))
        k = 4 if kind == "lstm" else 3
        shapes = [(D, k * H), (H, k * H), (2, k * H) if kind == "gru" else (k * H,), (B, H)]
        ws = [rng.uniform(-1, 1, s) for s in shapes + [(B, H)] * (kind == "lstm")]
        lengths = rng.randint(0, T + 1, B) if masked else None
        rmask = (rng.rand(B, H) > 0.3) / 0.7 if rdrop else None
        vs = [tf.constant(v) for v in [x] + ws]
        with tf.GradientTape() as tape:
            for v in vs:
                tape.watch(v)
            kw = dict(mask=None if lengths is None else tf.constant(lengths),
                      mask_kind="lengths", time_major=time_major, reverse=reverse, rmask=rmask)
            if kind == "lstm":
                outs = rnn_ops.lstm_sequence(*vs, **kw)
            else:
                outs = rnn_ops.gru_sequence(*vs, reset_after=kind == "gru", **kw)
            loss = tf.add_n([tf.reduce_sum(o * o * (i + 1.0)) for i, o in enumerate(outs)])
        grads = tape.gradient(loss, vs)
        return [o.numpy() for o in outs] + [g.numpy() for g in grads]
    finally:
        parallel.set_num_parts(0)


@pytest.mark.parametrize("kind", ["lstm", "gru", "gru_v1"])
@pytest.mark.parametrize("reverse,masked,rdrop,time_major", [
    (False, False, False, False), (True, True, False, False), (False, True, True, True),
    (True, False, True, False)])
def test_row_blocks_equal_one_block(monkeypatch, kind, reverse, masked, rdrop, time_major):
    monkeypatch.setattr(parallel, "MIN_MACS", 0)
    calls = []
    real = parallel.run_parallel

    def counted(cs):
        if cs[0][0].__name__ == "rows":     # a recurrence, not a GEMM's blocks
            calls.append(len(cs))
        return real(cs)
    monkeypatch.setattr(parallel, "run_parallel", counted)
    one = _run(1, kind, reverse, masked, rdrop, time_major)
    assert calls == []
    two = _run(2, kind, reverse, masked, rdrop, time_major)
    assert calls == [2, 2]                  # the forward and the backward recurrence
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


def test_small_batches_stay_one_block():
    assert B // _rnn_base._RecurrentSeq.MIN_ROWS == 2
    assert 15 // _rnn_base._RecurrentSeq.MIN_ROWS == 1
