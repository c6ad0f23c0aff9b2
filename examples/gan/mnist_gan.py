"""A GAN that draws MNIST digits: a generator and a discriminator trained in turn (TF1 style).

The generator G turns 100 random numbers into a 28x28 image; the discriminator D says how
likely an image is real. Each step first trains D (real images -> 1, G's images -> 0), then G
(make D say 1 for its images). Both are small MLPs with leaky ReLUs; D sees logits and the
losses use sigmoid cross-entropy on them (stable where D is sure).

Afterwards it writes a grid of samples and a walk through the latent space (a row of images
from z0 to z1 for several pairs), and judges the samples with a separately trained MNIST
classifier: the fraction it labels with confidence > 0.9 is a rough "looks like a digit" score.

    python examples/gan/mnist_gan.py [--epochs N] [--out gan_out]    # (--quick: 200 steps)
"""
import argparse
import os
import struct
import time
import zlib

import numpy as np

import neuroflow as tf
from neuroflow import keras

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=None)
parser.add_argument("--out", default="gan_out")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
QUICK = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = args.epochs or (1 if QUICK else 30)
BATCH_SIZE = 100
N_NOISE = 100


def write_png(path, image):
    """A grayscale PNG of a 2-D array in [0, 1], written with the standard library only."""
    pixels = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    raw = b"".join(b"\x00" + row.tobytes() for row in pixels)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    header = struct.pack(">IIBBBBB", pixels.shape[1], pixels.shape[0], 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
                + chunk(b"IEND", b""))


def grid(images, rows, cols, pad=2):
    """Tiles [rows*cols, 28, 28] images into one picture with a white border between them."""
    out = np.ones((rows * (28 + pad) + pad, cols * (28 + pad) + pad), np.float32)
    for k, img in enumerate(images[:rows * cols]):
        r, c = divmod(k, cols)
        out[pad + r * (28 + pad):pad + r * (28 + pad) + 28,
            pad + c * (28 + pad):pad + c * (28 + pad) + 28] = 1 - img.reshape(28, 28)
    return out


(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32) / 127.5 - 1   # [-1, 1], as G's tanh

tf.set_random_seed(0)
init = tf.glorot_uniform_initializer()


def dense(x, n_out, name):
    W = tf.get_variable(name + "/W", [int(x.shape[1]), n_out], initializer=init)
    b = tf.get_variable(name + "/b", [n_out], initializer=tf.zeros_initializer())
    return tf.matmul(x, W) + b


def generator(z):
    with tf.variable_scope("generator"):
        h = tf.nn.leaky_relu(dense(z, 256, "h1"), 0.2)
        h = tf.nn.leaky_relu(dense(h, 512, "h2"), 0.2)
        return tf.tanh(dense(h, 784, "out"))


def discriminator(x, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        h = tf.nn.leaky_relu(dense(x, 512, "h1"), 0.2)
        h = tf.nn.leaky_relu(dense(h, 256, "h2"), 0.2)
        return dense(h, 1, "out")   # a logit


X = tf.placeholder(tf.float32, [None, 784])
Z = tf.placeholder(tf.float32, [None, N_NOISE])
G = generator(Z)
D_real = discriminator(X)
D_fake = discriminator(G, reuse=True)


def bce(logits, label):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        logits=logits, labels=tf.fill(tf.shape(logits), label)))


loss_D = bce(D_real, 0.9) + bce(D_fake, 0.0)   # one-sided label smoothing on the real side
loss_G = bce(D_fake, 1.0)                       # non-saturating: maximize log D(G(z))
D_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="discriminator")
G_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="generator")
train_D = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(loss_D, var_list=D_vars)
train_G = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(loss_G, var_list=G_vars)

rng = np.random.RandomState(0)
os.makedirs(args.out, exist_ok=True)
start = time.time()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    steps = 200 if QUICK else len(x_train) // BATCH_SIZE
    for epoch in range(EPOCHS):
        order = rng.permutation(len(x_train))
        for i in range(steps):
            batch = x_train[order[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]]
            noise = rng.uniform(-1, 1, (BATCH_SIZE, N_NOISE)).astype(np.float32)
            _, ld = sess.run([train_D, loss_D], feed_dict={X: batch, Z: noise})
            noise = rng.uniform(-1, 1, (BATCH_SIZE, N_NOISE)).astype(np.float32)
            _, lg = sess.run([train_G, loss_G], feed_dict={Z: noise})
        print("Epoch: %04d  D loss: %.4f  G loss: %.4f  [%.0f s]" % (epoch + 1, ld, lg,
                                                                     time.time() - start))

    fixed = rng.uniform(-1, 1, (100, N_NOISE)).astype(np.float32)
    samples = (sess.run(G, feed_dict={Z: fixed}) + 1) / 2
    # latent walk: 8 rows, each 10 images on the straight line between two random z
    ends = rng.uniform(-1, 1, (8, 2, N_NOISE)).astype(np.float32)
    t = np.linspace(0, 1, 10, dtype=np.float32)[None, :, None]
    walk_z = (ends[:, :1] * (1 - t) + ends[:, 1:] * t).reshape(-1, N_NOISE)
    walk = (sess.run(G, feed_dict={Z: walk_z}) + 1) / 2
train_seconds = time.time() - start

write_png(os.path.join(args.out, "samples.png"), grid(samples, 10, 10))
write_png(os.path.join(args.out, "interpolation.png"), grid(walk, 8, 10))
print("wrote %s and %s" % (os.path.join(args.out, "samples.png"),
                           os.path.join(args.out, "interpolation.png")))

# the judge: an MNIST classifier trained on the real labels
keras.utils.set_random_seed(0)   # Python, NumPy (fit's shuffling) and TF seeds
judge = keras.Sequential([
    keras.layers.Dense(512, activation="relu", input_shape=(784,)),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
judge.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
n_judge = 10000 if QUICK else len(x_train)
judge.fit((x_train[:n_judge] + 1) / 2, y_train[:n_judge], epochs=1 if QUICK else 3,
          batch_size=128, verbose=0)
judge_acc = judge.evaluate(x_test.reshape(-1, 784) / 255.0, y_test, verbose=0)[1]
probs = judge.predict(samples.reshape(-1, 784), verbose=0)
confident = float(np.mean(probs.max(1) > 0.9))
counts = np.bincount(probs.argmax(1), minlength=10)
print("judge (MLP, test accuracy %.4f): %.0f%% of 100 samples labelled with confidence > 0.9; "
      "labels 0-9: %s" % (judge_acc, 100 * confident, counts.tolist()))
# does the average sample look like the average digit? (near 0 for untrained noise)
mean_digit = (x_train[:10000] + 1).mean(0) / 2
mean_corr = float(np.corrcoef(samples.reshape(100, 784).mean(0), mean_digit)[0, 1])
print("correlation of the mean sample with the mean MNIST digit: %.3f" % mean_corr)
print("result: confident_fraction=%.2f judge_accuracy=%.4f digits_seen=%d mean_corr=%.3f "
      "train_seconds=%.0f" % (confident, judge_acc, int(np.sum(counts > 0)), mean_corr,
                              train_seconds))
