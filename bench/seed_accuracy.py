"""The seed programs' accuracy over several epochs (not a timing): W1's sigmoid MLP (SGD 0.01,
batch 32; the course shows 0.8807 after 10 epochs) and W2's ReLU MLP 784-1024-512-512-10 (Adam
1e-3, batch 128; the course shows 0.9842), on real MNIST from ``$NEUROFLOW_DATASETS``.

usage: python bench/seed_accuracy.py [W1|W2] [--epochs 10]
Prints the test accuracy after every epoch (each epoch ~1 s for W1, ~5 s for W2).
"""
import argparse

import nf_common as N  # noqa: F401 - paths, BLAS policy
import nf_keras
from nf_common import C


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", nargs="?", default="W2", choices=("W1", "W2"))
    ap.add_argument("--epochs", type=int, default=10)
    a = ap.parse_args()
    xtr, ytr, xte, yte, src = C.load_mnist()
    cfg = {"W1": C.W1_CFG, "W2": C.W2_CFG}[a.workload]
    model = nf_keras.build(a.workload)
    opt = nf_keras.optimizers
    model.compile(optimizer=opt.SGD(cfg["lr"]) if a.workload == "W1" else opt.Adam(cfg["lr"]),
                  loss="categorical_crossentropy")
    print("%s on %s, batch %d" % (a.workload, src, cfg["batch"]))
    for epoch in range(1, a.epochs + 1):
        h = model.fit(xtr, C.one_hot(ytr), batch_size=cfg["batch"], epochs=1, verbose=0)
        acc = (model.predict(xte, batch_size=1000, verbose=0).argmax(1) == yte).mean()
        print("epoch %2d  loss %.4f  test accuracy %.4f" % (epoch, h.history["loss"][-1], acc))


if __name__ == "__main__":
    main()
