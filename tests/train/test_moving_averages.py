"""tf.train.ExponentialMovingAverage (neuroflow/train/moving_averages.py)."""
import numpy as np
import pytest

import neuroflow as tf


def test_shadows_trail_the_variables_after_each_train_step(graph_mode):
    w = tf.Variable([1.0, 2.0], name="w")
    b = tf.Variable(0.0, name="b")
    step = tf.group(tf.assign_add(w, [1.0, 1.0]), tf.assign_add(b, 2.0))
    ema = tf.train.ExponentialMovingAverage(decay=0.5)
    with tf.control_dependencies([step]):
        train = ema.apply([w, b])
    aw, ab = ema.average(w), ema.average(b)
    assert aw.name == "w/ExponentialMovingAverage:0" and not aw.trainable
    assert ema.average_name(w) == "w/ExponentialMovingAverage" and ema.name == \
        "ExponentialMovingAverage"
    assert tf.moving_average_variables() == [w, b]
    assert aw in tf.global_variables() and aw not in tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(aw), [1.0, 2.0])   # starts at the initial value
        sess.run(train)             # w = [2, 3]: shadow = 1 - 0.5 * (1 - 2)
        np.testing.assert_allclose(sess.run(aw), [1.5, 2.5])
        sess.run(train)             # w = [3, 4]
        a, c = sess.run([aw, ab])
        np.testing.assert_allclose(a, [2.25, 3.25])
        assert c == 2.5             # b's shadow: 0 -> 1 (b = 2) -> 1 - 0.5 * (1 - 4)


def test_num_updates_caps_the_decay_and_tensors_start_at_zero(graph_mode):
    x = tf.placeholder(tf.float32, [3])
    m = tf.reduce_mean(x)
    ema = tf.train.ExponentialMovingAverage(decay=0.999, num_updates=0)
    upd = ema.apply([m])
    avg = ema.average(m)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(avg) == 0.0
        sess.run(upd, {x: [1.0, 2.0, 3.0]})
        # decay = min(0.999, (1 + 0) / (10 + 0)) = 0.1: avg = 0 - 0.9 * (0 - 2)
        np.testing.assert_allclose(sess.run(avg), 1.8, rtol=1e-6)


def test_variables_to_restore_maps_checkpoint_names_to_shadows(graph_mode, tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    ema = tf.train.ExponentialMovingAverage(0.5)
    train = ema.apply([w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, [3.0, 4.0]))
        sess.run(train)            # shadow [2, 3]
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    w2 = tf.Variable([0.0, 0.0], name="w")
    restore = tf.train.ExponentialMovingAverage(0.5).variables_to_restore()
    assert restore == {"w/ExponentialMovingAverage": w2}
    with tf.Session() as sess:
        tf.train.Saver(restore).restore(sess, path)
        np.testing.assert_array_equal(sess.run(w2), [2.0, 3.0])   # the average, not w


def test_bad_arguments():
    ema = tf.train.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match="half, float, or double"):
        ema.apply([tf.Variable(1)])
    v = tf.Variable(1.0)
    ema.apply([v])
    with pytest.raises(ValueError, match="already computed"):
        ema.apply([v])


def test_zero_debias_of_a_tensor(graph_mode):
    x = tf.placeholder(tf.float32, [2], name="loss")
    w = tf.Variable([1.0, 1.0], name="w")
    ema = tf.train.ExponentialMovingAverage(0.9, zero_debias=True)
    step = ema.apply([x, w])
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["loss/ExponentialMovingAverage", "loss/ExponentialMovingAverage/biased",
                     "loss/ExponentialMovingAverage/local_step", "w",
                     "w/ExponentialMovingAverage"]
    avg = ema.average(x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {x: [4.0, 2.0]})
        np.testing.assert_allclose(sess.run(avg), [4.0, 2.0], rtol=1e-6)   # debiased: exact
        sess.run(step, {x: [0.0, 2.0]})
        # biased = 0.1*0.9*a + 0.1*b; over 1 - 0.9^2
        want = (0.09 * np.array([4.0, 2.0]) + 0.1 * np.array([0.0, 2.0])) / (1 - 0.81)
        np.testing.assert_allclose(sess.run(avg), want, rtol=1e-5)
        np.testing.assert_allclose(sess.run(ema.average(w)), [1.0, 1.0])   # variables: as before
