"""The digit recognizer end to end in a real headless Chromium (Playwright): digits are drawn
with mouse strokes (traced from MNIST test images, and synthetic pen strokes) and with touch,
the buttons and keys are pressed, and the digits the page shows are checked.

Needs Debian's chromium (``apt-get install -y chromium``) and ``pip install playwright``; skips
without them. The CNN is trained once (20,000 MNIST images, one epoch) and cached in pytest's
cache; ``NEUROFLOW_DIGITS_MODEL=path.h5`` uses a given model instead.
"""
import importlib.util
import os
import shutil

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST_DIR = os.path.join(os.environ["NEUROFLOW_DATASETS"], "mnist")

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    pytest.skip("playwright is not installed (pip install playwright)", allow_module_level=True)
if not os.path.exists(CHROMIUM):
    pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
if not os.path.isdir(MNIST_DIR):
    pytest.skip("MNIST is not in $NEUROFLOW_DATASETS", allow_module_level=True)


# ------------------------------------------------------------------ strokes from images
def skeleton(binary):
    """Zhang-Suen thinning of a boolean image to one-pixel-wide lines."""
    img = np.pad(binary.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = [np.roll(np.roll(img, -dy, 0), -dx, 1) for dy, dx in
                 ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))]
            n = sum(p)                                  # P2..P9 clockwise from north
            a = sum((p[i] == 0) & (p[(i + 1) % 8] == 1) for i in range(8))
            if step == 0:
                c = (p[0] * p[2] * p[4] == 0) & (p[2] * p[4] * p[6] == 0)
            else:
                c = (p[0] * p[2] * p[6] == 0) & (p[0] * p[4] * p[6] == 0)
            kill = (img == 1) & (n >= 2) & (n <= 6) & (a == 1) & c
            if kill.any():
                img[kill] = 0
                changed = True
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


def pen_paths(binary):
    """The skeleton as pen strokes: lists of (row, col) walked along 8-neighbour edges."""
    sk = skeleton(binary)
    pts = set(zip(*np.nonzero(sk)))
    nbrs = {p: [(p[0] + dy, p[1] + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                if (dy or dx) and (p[0] + dy, p[1] + dx) in pts] for p in pts}
    unused = {frozenset((p, q)) for p in pts for q in nbrs[p]}
    paths = []
    while unused:
        # start at a line end when there is one, as a hand would
        ends = [p for p in pts if sum(frozenset((p, q)) in unused for q in nbrs[p]) == 1]
        start = min(ends) if ends else min(min(e) for e in unused)
        path = [start]
        while True:
            step = [q for q in nbrs[path[-1]] if frozenset((path[-1], q)) in unused]
            if not step:
                break
            unused.discard(frozenset((path[-1], step[0])))
            path.append(step[0])
        paths.append(path)
    paths += [[p] for p in pts if not nbrs[p]]   # lone dots
    return paths


def draw_paths(page, index, paths, size=28, margin=0.0, stride=1):
    """Draws strokes (coordinates on a size x size grid) into box ``index`` with the mouse;
    ``stride`` > 1 moves straight to every stride-th point of long paths (fewer events)."""
    box = page.locator("#box%d" % index).bounding_box()
    scale = box["width"] * (1 - 2 * margin) / size

    def at(r, c):
        return (box["x"] + box["width"] * margin + (c + 0.5) * scale,
                box["y"] + box["height"] * margin + (r + 0.5) * scale)
    for path in paths:
        page.mouse.move(*at(*path[0]))
        page.mouse.down()
        for r, c in (path[stride::stride] + path[-1:] if len(path) > 3 * stride
                     else path[1:]):
            page.mouse.move(*at(r, c))
        page.mouse.up()


def synthetic(digit):
    """Pen strokes of a digit written by a hand, on a 28x28 grid."""
    if digit == 0:
        t = np.linspace(0, 2 * np.pi, 40)
        return [list(zip(14 - 9 * np.cos(t), 14 + 6 * np.sin(t)))]
    if digit == 1:
        return [[(4, 13), (24, 15)]]
    if digit == 7:
        return [[(5, 7), (5, 21), (24, 11)]]
    if digit == 4:
        return [[(4, 16), (16, 6), (16, 22)], [(9, 17), (25, 17)]]
    if digit == 2:
        t = np.linspace(np.pi, 2.2 * np.pi, 20)
        arc = list(zip(10 + 5 * np.sin(t), 14 + 7 * np.cos(t)))
        return [arc + [(24, 7), (24, 22)]]
    raise ValueError(digit)


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def cnn_model(request, tmp_path_factory):
    from neuroflow.keras.models import load_model
    given = os.environ.get("NEUROFLOW_DIGITS_MODEL")
    if given:
        return load_model(given, compile=False)
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider (CI)
    folder = cache.mkdir("neuroflow_digits") if cache is not None else \
        tmp_path_factory.mktemp("neuroflow_digits")
    path = os.path.join(str(folder), "cnn_20k_1.h5")
    if not os.path.exists(path):
        spec = importlib.util.spec_from_file_location(
            "train_models", os.path.join(ROOT, "examples", "digits_app", "train_models.py"))
        train_models = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train_models)
        model, accuracy = train_models.train("cnn", n_train=20000, epochs=1, verbose=0)
        assert accuracy > 0.96
        model.save(path + ".tmp.h5")
        os.replace(path + ".tmp.h5", path)
    return load_model(path, compile=False)


@pytest.fixture(scope="module")
def page(cnn_model):
    from neuroflow.apps.digits_server import DigitsApp
    with DigitsApp(cnn_model, port=0, name="cnn") as app, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 700}, has_touch=True)
        pg = context.new_page()
        pg.goto(app.url)
        pg.wait_for_selector("body[data-ready='1']")
        yield pg
        browser.close()


def read_answer(page, press=None):
    """Presses Recognize (or a key) and returns the digits the page shows."""
    page.evaluate("document.getElementById('answer').dataset.digits = 'pending'")
    if press:
        page.keyboard.press(press)
    else:
        page.click("#recognize")
    page.wait_for_function("document.getElementById('answer').dataset.digits !== 'pending' "
                           "&& !document.body.dataset.busy")
    return page.get_attribute("#answer", "data-digits")


# ------------------------------------------------------------------ tests
def test_mnist_digits_drawn_with_the_mouse_are_read(page):
    from neuroflow.keras.datasets import mnist
    (_, _), (x, y) = mnist.load_data()
    read = ""
    for batch in (range(0, 5), range(5, 10)):
        page.keyboard.press("e")
        for box, i in enumerate(batch):
            draw_paths(page, box, pen_paths(x[i] > 100), stride=3)
        read += read_answer(page, press="r" if batch[0] else None)
    truth = "".join(str(int(d)) for d in y[:10])
    right = sum(a == b for a, b in zip(read, truth))
    print("\nMNIST test digits 0-9 traced with the mouse: read %s, truth %s: %d/10 right"
          % (read, truth, right))
    assert right >= 9, (read, truth)
    probs = [float(page.get_attribute("#result%d" % i, "data-probability")) for i in range(5)]
    assert all(0.1 < p <= 1.0 for p in probs)
    assert "%" in page.inner_text("#result0")


def test_synthetic_pen_strokes_at_any_size_and_place(page):
    page.click("#erase")
    # different sizes and places: the preprocessing crops and centres them
    for box, (digit, margin) in enumerate([(0, 0.0), (1, 0.25), (2, 0.1), (4, 0.3), (7, 0.05)]):
        draw_paths(page, box, synthetic(digit), margin=margin)
    read = read_answer(page)
    probs = [page.get_attribute("#result%d" % i, "data-probability") for i in range(5)]
    print("\nsynthetic strokes 0 1 2 4 7: read %s with probabilities %s" % (read, probs))
    assert read == "01247"


def test_empty_boxes_and_erase(page):
    page.keyboard.press("e")
    assert page.get_attribute("#answer", "data-digits") == ""
    draw_paths(page, 2, synthetic(7))
    assert read_answer(page) == "__7__"
    page.click("#erase")
    assert read_answer(page) == "_____"


def test_show_crops_key(page):
    page.keyboard.press("e")
    draw_paths(page, 0, synthetic(1), margin=0.3)
    page.keyboard.press("s")
    page.wait_for_selector(".box.shown canvas.crop")
    ink = page.evaluate("""() => {
        const c = document.querySelector('.box canvas.crop').getContext('2d');
        const d = c.getImageData(0, 0, 28, 28).data;
        let dark = 0, rows = new Set();
        for (let i = 0; i < 784; i++) if (d[4 * i] < 128) { dark++; rows.add(Math.floor(i / 28)); }
        return [dark, rows.size];
    }""")
    assert ink[0] > 10 and ink[1] == 20     # the crop's stroke is 20 pixels tall, as MNIST's


def test_touch_drawing(page):
    page.keyboard.press("e")
    box = page.locator("#box3").bounding_box()
    cdp = page.context.new_cdp_session(page)
    x = box["x"] + box["width"] / 2
    points = [(x, box["y"] + box["height"] * f) for f in np.linspace(0.15, 0.85, 12)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for px, py in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": px, "y": py}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert read_answer(page) == "___1_"
