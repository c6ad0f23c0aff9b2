"""How far can a new top on the frozen EfficientNet-Lite0 go on flowers-128?

``neuroflow retrain`` trains a softmax layer on the base's pooled 1280 features (TF's retrain.py
recipe). This script asks what any top on frozen features could reach: it computes, for every
photo and its mirror image, the global-average-pooled outputs of six blocks of the base, splits
the photos as retrain does (SHA-1 of the name: 20% test, 10% validation), and fits L2-regularised
softmax regressions (L-BFGS, SciPy) on several feature sets, printing the test accuracy of each.
``--input_size`` resizes the photos to another side first (all flowers-128 photos are 128x128).
The features are cached in ``--cache`` (about 10 minutes on 2 cores to compute at 224).
usage: NEUROFLOW_DATASETS=../shared/datasets python bench/flowers_probe.py [--input_size N]
       [--cache F]
"""
import argparse
import glob
import os

import numpy as np

BLOCKS = ["block3b_add", "block4c_add", "block5c_add", "block6d_add", "block7a_project_bn",
          "top_activation"]


def features(image_dir, cache, size=224):
    if os.path.exists(cache):
        return dict(np.load(cache))
    from neuroflow import keras
    from neuroflow.apps.imagetools import _preprocess, base_model, load_image, which_set
    base = base_model(input_size=size)
    layer = {l.name: l for l in base.layers}
    model = keras.Model(base.input, [keras.layers.GlobalAveragePooling2D()(layer[n].output)
                                     for n in BLOCKS])
    files, y, split = [], [], []
    for k, label in enumerate(sorted(os.listdir(image_dir))):
        for p in sorted(glob.glob(os.path.join(image_dir, label, "*"))):
            files.append(p)
            y.append(k)
            split.append(which_set(os.path.basename(p), 20, 10))
    out = {n: [] for n in BLOCKS + [b + "_flip" for b in BLOCKS]}
    for i in range(0, len(files), 32):
        x = _preprocess(np.stack([load_image(p, size) for p in files[i:i + 32]]))
        for suffix, xx in (("", x), ("_flip", x[:, :, ::-1])):
            for n, f in zip(BLOCKS, model.predict(np.ascontiguousarray(xx), verbose=0)):
                out[n + suffix].append(f)
    d = {n: np.concatenate(v) for n, v in out.items()}
    d.update(Y=np.array(y), S=np.array(split))
    np.savez(cache, **d)
    return d


def softmax_regression(x, y, l2, k):
    from scipy.optimize import minimize
    n, dim = x.shape

    def loss(w):
        W, b = w[:-k].reshape(dim, k), w[-k:]
        z = x @ W + b
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        value = -np.log(p[np.arange(n), y] + 1e-12).mean() + l2 * (W ** 2).sum()
        p[np.arange(n), y] -= 1
        p /= n
        return value, np.concatenate([(x.T @ p + 2 * l2 * W).ravel(), p.sum(0)])
    w = minimize(loss, np.zeros(dim * k + k), jac=True, method="L-BFGS-B",
                 options={"maxiter": 500}).x
    return w[:-k].reshape(dim, k), w[-k:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image_dir", default=os.path.join(
        os.environ.get("NEUROFLOW_DATASETS", "../shared/datasets"), "flowers-128"))
    ap.add_argument("--input_size", type=int, default=224,
                    help="side the 128 px photos are resized to before the base (224: retrain's)")
    ap.add_argument("--cache", default=None, help="default /tmp/flowers_probe_features_<size>.npz")
    args = ap.parse_args()
    cache = args.cache or "/tmp/flowers_probe_features_%d.npz" % args.input_size
    d = features(args.image_dir, cache, args.input_size)
    y, s = d["Y"], d["S"]
    train, test = s != "testing", s == "testing"
    k = int(y.max()) + 1
    for names in (["top_activation"], BLOCKS[2:], BLOCKS):
        x = np.concatenate([d[n] for n in names], 1)
        xf = np.concatenate([d[n + "_flip"] for n in names], 1)
        mu, sd = x[train].mean(0), x[train].std(0) + 1e-3
        z, zf = (x - mu) / sd, (xf - mu) / sd
        for flips in (False, True):
            xt = np.concatenate([z[train], zf[train]]) if flips else z[train]
            yt = np.concatenate([y[train], y[train]]) if flips else y[train]
            for l2 in (1e-3, 1e-2, 3e-2):
                W, b = softmax_regression(xt, yt, l2, k)
                score = z[test] @ W + b + ((zf[test] @ W + b) if flips else 0)
                print("%-70s flips=%-5s l2=%-6g test accuracy %.4f (N=%d)" % (
                    "+".join(names), flips, l2, np.mean(score.argmax(1) == y[test]), test.sum()),
                    flush=True)


if __name__ == "__main__":
    main()
