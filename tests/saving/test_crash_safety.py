"""A process killed with SIGKILL at random moments while saving checkpoints, event files and
Keras weights never leaves a checkpoint that fails to load or holds a mix of two saves."""
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The child imports neuroflow once, then for each "go" line forks a worker that saves forever
# and prints the worker's pid; the test kills that worker with SIGKILL. Every variable holds the
# save number k, so a loaded checkpoint is a complete earlier save exactly when all its values
# are one and the same k. Every other save reuses one name (an overwrite in place).
_CHILD = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import neuroflow as tf
d = sys.argv[2]
vs = [tf.Variable(np.zeros(n, np.float32), name="v%d" % i) for i, n in enumerate([3, 5000, 70000])]
k = tf.placeholder(tf.float32, [])
set_all = tf.group(*[v.assign(tf.fill([n], k)) for v, n in zip(vs, [3, 5000, 70000])])
init = tf.global_variables_initializer()
for round_ in range(10 ** 6):
    if not sys.stdin.readline():
        break
    pid = os.fork()
    if pid == 0:
      try:
        saver = tf.train.Saver(max_to_keep=3)
        writer = tf.summary.FileWriter(d, flush_secs=0)
        with tf.Session() as sess:
            sess.run(init)
            for n in range(1, 10 ** 9):
                step = round_ * 100000 + n
                sess.run(set_all, {k: float(step)})
                saver.save(sess, d + "/model", global_step=step if n % 2 else None)
                writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="k",
                                                                      simple_value=step)]), step)
                writer.flush()
      finally:
        import traceback
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    print(pid, flush=True)
    os.waitpid(pid, 0)
    print("dead", flush=True)
"""


def _check(d):
    import neuroflow as tf
    path = tf.train.latest_checkpoint(d)
    if path is None:
        return None
    r = tf.train.load_checkpoint(path)
    vals = np.concatenate([r.get_tensor(n).ravel() for n in ("v0", "v1", "v2")])
    assert (vals == vals[0]).all(), f"{path} mixes two saves"
    assert vals[0] >= 1
    from neuroflow.saving import events
    for f in events.event_files(d):
        steps = [e.step for e in events.summary_iterator(f)]   # raises on a torn record
        assert steps == sorted(steps)
    return vals[0]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_sigkill_while_saving(tmp_path):
    rng = random.Random(1234)
    d = str(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, ROOT, d], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    start, seen = time.time(), []
    try:
        for kill in range(50):
            child.stdin.write(b"go\n")
            child.stdin.flush()
            line = child.stdout.readline()
            assert line.strip().isdigit(), child.stderr.read().decode()[-2000:]
            time.sleep(rng.uniform(0.01, 0.12) if kill else 1.0)
            os.kill(int(line), signal.SIGKILL)
            assert child.stdout.readline().strip() == b"dead"
            value = _check(d)
            if value is not None:
                seen.append(value)
            assert time.time() - start < 60
    finally:
        child.kill()
        child.wait()
    assert len(seen) >= 45, "the workers rarely finished a first save before the kill"
    assert seen == sorted(seen)   # the latest checkpoint never goes back in time
