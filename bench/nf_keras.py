"""The Keras workloads (W1, W2, W3 epochs; W6mlp, W6cnn one-image predict) on ``neuroflow.keras``.

Written as course code writes them (Sequential, compile, fit, predict) and mirroring the peers'
TF/Keras script: Glorot-uniform weights and zero biases (the Keras default), categorical
cross-entropy on one-hot labels, no metrics, a warm-up ``fit`` before the timed one.
"""

import numpy as np

import nf_common as N
from nf_common import C

# until neuroflow.keras has these names, this import fails and the runner skips the workload
from neuroflow.keras import Input, Sequential, layers, optimizers


def build(wl):
    L = layers
    if wl == "W1":
        stack = [
            Input((784,)),
            L.Dense(256, activation="sigmoid"),
            L.Dense(128, activation="sigmoid"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    elif wl in ("W3", "W6cnn"):  # the course CNN, NHWC as tf.keras
        stack = [
            Input((28, 28, 1)),
            L.Conv2D(32, 3, padding="same", activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(64, 3, padding="same", activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(256, activation="relu"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    else:  # W2, W6mlp
        stack = [
            Input((784,)),
            L.Dense(1024, activation="relu"),
            L.Dense(512, activation="relu"),
            L.Dense(512, activation="relu"),
            L.Dense(10, activation="softmax"),
        ]
    return Sequential(stack)


def run_classifier(wl):
    xtr, ytr, xte, yte, src = C.load_mnist()
    ytr1 = C.one_hot(ytr)
    if wl == "W3":
        xtr, xte = xtr.reshape(-1, 28, 28, 1), xte.reshape(-1, 28, 28, 1)
    cfg = {"W1": C.W1_CFG, "W2": C.W2_CFG, "W3": C.W3_CFG}[wl]
    model = build(wl)
    opt = optimizers.SGD(cfg["lr"]) if wl == "W1" else optimizers.Adam(cfg["lr"])
    model.compile(optimizer=opt, loss="categorical_crossentropy")
    bs = cfg["batch"]
    nw = 3 * bs + (len(xtr) % bs or bs)  # warm-up, including the epoch's partial-batch shape
    model.fit(xtr[:nw], ytr1[:nw], batch_size=bs, epochs=1, verbose=0)
    n = C.epoch_samples(wl, bs, len(xtr))
    t0 = C.now()
    hist = model.fit(xtr[:n], ytr1[:n], batch_size=bs, epochs=1, verbose=0, shuffle=True)
    dt = C.now() - t0
    pred = model.predict(xte, batch_size=1000, verbose=0).argmax(1)
    N.emit(
        wl,
        dt * 60000 / n,
        "s/epoch",
        measured_s=dt,
        steps=-(-n // bs),
        final_loss=float(hist.history["loss"][-1]),
        test_acc=float((pred == yte).mean()),
        data=src,
    )


def run_latency(wl):
    model = build(wl)
    shape = (1, 28, 28, 1) if wl == "W6cnn" else (1, 784)
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    res, call_error = {}, None
    for how in ("predict", "call"):
        ts = []
        try:
            for i in range(C.W6_WARMUP + C.W6_CALLS):
                t0 = C.now()
                if how == "predict":
                    model.predict(x, verbose=0)
                else:
                    model(x, training=False).numpy()  # TF2: an eager call on a NumPy batch
                if i >= C.W6_WARMUP:
                    ts.append(C.now() - t0)
        except Exception as e:  # model(x) is the secondary figure: report why it is missing
            if how == "predict":
                raise
            call_error = "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
        res[how] = ts
    ts, tc = res["predict"], res["call"]
    N.emit(
        wl,
        C.median(ts),
        "s/call",
        how="model.predict(x)",
        p90=sorted(ts)[int(0.9 * len(ts))],
        min_s=min(ts),
        call_median_s=C.median(tc) if tc else None,
        call_min_s=min(tc) if tc else None,
        call_error=call_error,
        calls=len(ts),
        final_loss=None,
        test_acc=None,
        data="one-image",
    )
