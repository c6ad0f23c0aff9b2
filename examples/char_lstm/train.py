"""A character-level LSTM trained on real English text, then sampled (Keras on neuroflow).

The text is Python's own reference documentation as it ships in the standard library:
``pydoc_data/topics.py``, the text behind ``help("if")`` etc. (about 460 KB of prose and code
examples, PSF License, in every CPython installation, so this runs offline anywhere).

The model is the one of the W4 benchmark, bigger by default in nothing but its vocabulary:
Embedding -> LSTM (return_sequences) -> Dense(vocabulary) on every step, Adam, sparse softmax
cross-entropy; it learns to predict each next character from the ones before. After training,
an inference copy of the LSTM (same weights, ``return_state=True``) carries its state from
character to character to write a sample.

usage: python examples/char_lstm/train.py [--steps 600] [--units 128] [--seq 50] [--batch 64]
       [--temperature 0.6] [--length 400] [--seed 0]
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from neuroflow import keras  # noqa: E402


def load_text():
    """The Python reference documentation shipped with the interpreter (pydoc_data.topics),
    without the reST heading underlines ("*****", "=====")."""
    from pydoc_data.topics import topics
    text = "\n\n".join(topics[k] for k in sorted(topics))
    return "\n".join(line for line in text.split("\n")
                     if not (len(line) > 3 and len(set(line.strip())) == 1
                             and line.strip()[0] in "*=-~^"))


def batches(ids, seq, batch, rng):
    """Random windows: x = ids[s:s+seq], y = ids[s+1:s+seq+1]."""
    while True:
        starts = rng.randint(0, len(ids) - seq - 1, size=batch)
        x = np.stack([ids[s:s + seq] for s in starts])
        y = np.stack([ids[s + 1:s + seq + 1] for s in starts])
        yield x, y


def build(vocab, units, embed):
    L = keras.layers
    model = keras.Sequential([L.Embedding(vocab, embed), L.LSTM(units, return_sequences=True),
                              L.Dense(vocab)])
    model.compile(optimizer=keras.optimizers.Adam(2e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def sample(model, chars, prime, length, temperature, rng):
    """Writes ``length`` characters after ``prime``, one at a time, carrying the LSTM state."""
    emb, lstm, dense = model.layers
    step = keras.layers.LSTM(lstm.units, return_sequences=True, return_state=True)
    index = {c: i for i, c in enumerate(chars)}
    ids = np.array([[index[c] for c in prime]], np.int32)
    step(emb(ids))                      # builds the copy, then takes the trained weights
    step.set_weights(lstm.get_weights())
    y, h, c = step(emb(ids))
    out = []
    for _ in range(length):
        logits = dense(y[:, -1]).numpy()[0].astype(np.float64) / temperature
        p = np.exp(logits - logits.max())
        nxt = rng.choice(len(chars), p=p / p.sum())
        out.append(chars[nxt])
        y, h, c = step(emb(np.array([[nxt]], np.int32)), initial_state=[h, c])
    return prime + "".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--units", type=int, default=128)
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--seq", type=int, default=50)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--temperature", type=float, default=0.6)
    ap.add_argument("--length", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    text = load_text()
    chars = sorted(set(text))
    ids = np.searchsorted(chars, list(text)).astype(np.int32)
    freq = np.bincount(ids, minlength=len(chars)) / len(ids)
    unigram = float(-(freq[freq > 0] * np.log(freq[freq > 0])).sum())
    print(f"text: Python's pydoc_data.topics, {len(text):,} characters, {len(chars)} distinct; "
          f"unigram entropy {unigram:.3f} nats/char")

    rng = np.random.RandomState(args.seed)
    np.random.seed(args.seed)
    model = build(len(chars), args.units, args.embed)
    data = batches(ids, args.seq, args.batch, rng)
    t0, losses = time.time(), []
    for step in range(1, args.steps + 1):
        x, y = next(data)
        losses.append(model.train_on_batch(x, y))
        if step % 50 == 0 or step == args.steps:
            loss = float(np.mean(losses[-50:]))
            print(f"step {step:5d}  loss {loss:.3f} nats/char  "
                  f"({(time.time() - t0) / step * 1e3:.0f} ms/step)", flush=True)
    print()
    print("sample (temperature %.2f):" % args.temperature)
    print(sample(model, chars, "The ", args.length, args.temperature, rng))
    return float(np.mean(losses[-50:])), unigram


if __name__ == "__main__":
    main()
