"""neuroflow classify-image / retrain / label-image (neuroflow/apps/imagetools.py) on small
generated photos, with a randomly initialized EfficientNet-Lite0 saved as the base's weights
(the ImageNet weights are checked in test_efficientnet_lite.py)."""
import os

import numpy as np
import pytest

from neuroflow import cli
from neuroflow.apps import imagetools as T

Image = pytest.importorskip("PIL.Image")

COLOURS = {"Red": (200, 40, 40), "blue": (40, 60, 200), "Green Things": (40, 190, 60)}


@pytest.fixture(scope="module")
def base_weights(tmp_path_factory):
    from neuroflow.keras.applications.efficientnet_lite import EfficientNetLite0
    from neuroflow.keras.utils import set_random_seed
    set_random_seed(0)                     # the same random base every run
    path = str(tmp_path_factory.mktemp("weights") / "lite0_random.h5")
    EfficientNetLite0(weights=None).save_weights(path)
    return path


def make_photos(root, per_class=10, size=40, seed=0):
    """Noisy photos of one colour per folder (JPEG and PNG), plus a file that is no image."""
    rng = np.random.default_rng(seed)
    for name, rgb in COLOURS.items():
        d = root / name
        d.mkdir(parents=True)
        for i in range(per_class):
            x = np.clip(np.array(rgb) + rng.normal(0, 25, (size, size, 3)), 0, 255)
            ext = "png" if i % 3 == 0 else "jpg"
            Image.fromarray(x.astype(np.uint8)).save(d / f"{name[:3]}_{i}.{ext}")
        (d / "notes.txt").write_text("not an image")
    (root / "empty").mkdir()
    return root


def run(argv, capsys):
    status = cli.main(argv)
    out = capsys.readouterr()
    return status, out.out, out.err


# ==================================================================== pieces
def test_which_set_is_a_stable_hash_split():
    names = [f"img_{i}.jpg" for i in range(3000)]
    sets = [T.which_set(n, 20, 10) for n in names]
    share = {k: sets.count(k) / len(sets) for k in ("training", "testing", "validation")}
    assert abs(share["validation"] - 0.10) < 0.025 and abs(share["testing"] - 0.20) < 0.03
    assert T.which_set("a_nohash_1.jpg", 20, 10) == T.which_set("a_nohash_2.jpg", 20, 10) == \
        T.which_set("a", 20, 10)
    assert T.which_set("dir/img_7.jpg", 20, 10) == sets[7]   # the base name counts
    assert all(T.which_set(n, 0, 0) == "training" for n in names[:50])
    assert T.label_name("Green Things") == "green things" and T.label_name("a-b_c") == "a b c"


def test_create_image_lists(tmp_path):
    make_photos(tmp_path / "photos", per_class=10)
    logs = []
    lists = T.create_image_lists(str(tmp_path / "photos"), 20, 20, logs.append)
    assert list(lists) == ["green things", "red", "blue"]   # folders sorted: 'Green', 'Red', 'b'
    for label, entry in lists.items():
        files = entry["training"] + entry["testing"] + entry["validation"]
        assert len(files) == 10 and not any(f.endswith(".txt") for f in files)
    assert "No files found" in logs and logs.count(
        "WARNING: Folder has less than 20 images, which may cause issues.") == 3
    assert T.create_image_lists(str(tmp_path / "nope"), 10, 10, logs.append) is None


def test_load_and_distort_image(tmp_path):
    x = np.zeros((30, 60, 3), np.uint8)
    x[:, 30:] = 255                                           # right half white
    Image.fromarray(x).save(tmp_path / "half.png")
    whole = T.load_image(str(tmp_path / "half.png"), 20)
    assert whole.shape == (20, 20, 3) and whole.dtype == np.float32
    assert whole[:, :8].max() == 0 and whole[:, 12:].min() == 255
    crop = T.load_image(str(tmp_path / "half.png"), 10, crop_fraction=0.5)   # central 15x15
    assert crop[:, :4].max() < 30 and crop[:, 6:].min() > 225
    rng = np.random.default_rng(0)
    flips = [T.distort_image(str(tmp_path / "half.png"), 16, True, 0, 0, 0, rng)
             for _ in range(40)]
    left_white = [f[:, 0].mean() > 128 for f in flips]
    assert 5 < sum(left_white) < 35                            # flipped about half the time
    b = T.distort_image(str(tmp_path / "half.png"), 16, False, 50, 30, 40, rng)
    assert b.shape == (16, 16, 3) and b.max() <= 255 * 1.4 + 1e-3


# ==================================================================== the commands
def test_commands_are_registered_and_check_their_arguments(capsys, tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ("classify-image", "retrain", "label-image"):
        assert name in out
    assert run(["classify-image"], capsys)[0:3:2] == (
        1, "neuroflow classify-image: --image_file is required (a JPEG or PNG photo).\n")
    status, _, err = run(["classify-image", "--image_file", "x.jpg", "--num_top_predictions",
                          "0"], capsys)
    assert status == 1 and "`num_top_predictions`: expected an integer >= 1" in err
    with pytest.raises(SystemExit):
        cli.main(["retrain"])                                 # --image_dir is required
    assert "--image_dir" in capsys.readouterr().err
    status, _, err = run(["retrain", "--image_dir", str(tmp_path), "--how_many_training_steps",
                          "0"], capsys)
    assert status == 1 and "`how_many_training_steps`: expected an integer >= 1" in err
    status, _, err = run(["retrain", "--image_dir", str(tmp_path), "--testing_percentage", "60",
                          "--validation_percentage", "50"], capsys)
    assert status == 1 and "sum to less than 100" in err
    status, _, err = run(["retrain", "--image_dir", str(tmp_path), "--output_graph", "g.pb"],
                         capsys)
    assert status == 1 and "--output_graph must end in .h5 or .keras" in err
    status, _, err = run(["retrain", "--image_dir", str(tmp_path / "missing"), "--output_graph",
                          str(tmp_path / "g.h5")], capsys)
    assert status == 1 and "No valid folders of images found" in err
    with pytest.raises(SystemExit):
        cli.main(["label-image", "--graph", "g.h5"])
    assert "--labels" in capsys.readouterr().err


def test_classify_image_prints_the_top_predictions(tmp_path, capsys, base_weights):
    Image.fromarray(np.full((50, 70, 3), 120, np.uint8)).save(tmp_path / "grey.jpg")
    status, out, err = run(["classify-image", "--image_file", str(tmp_path / "grey.jpg"),
                            "--num_top_predictions", "3", "--weights", base_weights], capsys)
    assert status == 0, err
    lines = out.strip().split("\n")
    assert len(lines) == 3
    scores = [float(line.rsplit("(score = ", 1)[1].rstrip(")")) for line in lines]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1 + 1e-6
    assert all("_" not in line.split(" (score")[0] for line in lines)
    status, _, err = run(["classify-image", "--image_file", str(tmp_path / "none.jpg"),
                          "--weights", base_weights], capsys)
    assert status == 1 and "none.jpg" in err


def test_retrain_then_label_image(tmp_path, capsys, base_weights):
    photos = make_photos(tmp_path / "photos", per_class=10)
    out_h5, labels = tmp_path / "out" / "graph.h5", tmp_path / "out" / "labels.txt"
    argv = ["retrain", "--image_dir", str(photos), "--how_many_training_steps", "60",
            "--learning_rate", "0.5", "--train_batch_size", "30", "--eval_step_interval", "20",
            "--testing_percentage", "30", "--validation_percentage", "10", "--input_size", "32",
            "--bottleneck_dir", str(tmp_path / "bn"), "--output_graph", str(out_h5),
            "--output_labels", str(labels), "--weights", base_weights, "--random_seed", "0",
            "--summaries_dir", str(tmp_path / "logs"), "--print_misclassified_test_images"]
    status, out, err = run(argv, capsys)
    assert status == 0, err
    assert "30 bottleneck files created in" in out
    assert ": Step 0: Train accuracy = " in out and ": Step 59: Cross entropy = " in out
    assert "Validation accuracy = " in out and "=== MISCLASSIFIED TEST IMAGES ===" in out
    test_acc = float(out.split("Final test accuracy = ")[1].split("%")[0])
    assert test_acc >= 80.0, out
    assert labels.read_text() == "green things\nred\nblue\n"
    bn = tmp_path / "bn" / "Red" / "Red_1.jpg_efficientnet_lite0_32.txt"
    assert len(bn.read_text().split(",")) == 1280
    assert os.listdir(tmp_path / "logs") == ["train", "validation"] or \
        sorted(os.listdir(tmp_path / "logs")) == ["train", "validation"]
    # the written model labels a new photo of each colour
    rng = np.random.default_rng(5)
    for name, rgb in COLOURS.items():
        x = np.clip(np.array(rgb) + rng.normal(0, 25, (40, 40, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(x).save(tmp_path / f"new_{name}.png")
    status, out, err = run(["label-image", "--graph", str(out_h5), "--labels", str(labels),
                            "--image", str(tmp_path / "new_Red.png")], capsys)
    assert status == 0, err
    lines = [line.rsplit(" ", 1) for line in out.strip().split("\n")]
    assert len(lines) == 3 and lines[0][0] == "red", out
    assert abs(sum(float(s) for _, s in lines) - 1) < 1e-3
    from neuroflow.keras.models import load_model
    model = load_model(str(out_h5), compile=False)
    assert model.layers[-1].name == "final_result" and model.input_shape == (None, 32, 32, 3)
    for name in COLOURS:
        top = T.label_image(model, str(labels), str(tmp_path / f"new_{name}.png"), top_k=2)
        assert len(top) == 2 and top[0][0] == T.label_name(name), (name, top)
    # a second run reads the cached bottlenecks
    status, out, err = run(argv[:-3] + ["--how_many_training_steps", "1"], capsys)
    assert status == 0 and "0 bottleneck files created in" in out, err
    # labels that do not fit the model
    labels.write_text("one\ntwo\n")
    with pytest.raises(ValueError, match="The labels file has 2 labels but the model gives 3"):
        T.label_image(model, str(labels), str(tmp_path / "new_Red.png"))


def test_retrain_with_distortions(tmp_path, capsys, base_weights):
    photos = make_photos(tmp_path / "photos", per_class=4)
    status, out, err = run(
        ["retrain", "--image_dir", str(photos), "--how_many_training_steps", "2",
         "--train_batch_size", "3", "--testing_percentage", "0", "--validation_percentage", "0",
         "--input_size", "32", "--flip_left_right", "--random_crop", "10", "--random_scale",
         "10", "--random_brightness", "10", "--bottleneck_dir", str(tmp_path / "bn"),
         "--output_graph", str(tmp_path / "g.h5"), "--output_labels", str(tmp_path / "l.txt"),
         "--weights", base_weights], capsys)
    assert status == 0, err
    # training images go through the base each step: none is cached
    assert "0 bottleneck files created" in out and not (tmp_path / "bn").exists()
    assert "No test images" in out and (tmp_path / "g.h5").exists()
    with pytest.raises(ValueError, match="Only 1 valid folders"):
        one = tmp_path / "one"
        (one / "a").mkdir(parents=True)
        Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(one / "a" / "x.png")
        args = cli._parser().parse_args(["retrain", "--image_dir", str(one), "--output_graph",
                                         str(tmp_path / "o.h5")])
        T.retrain(args, log=lambda s: None)
