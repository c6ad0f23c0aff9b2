"""TensorFlow Serving's REST JSON: predict requests in, predictions and model status out.

The request and response bodies follow https://www.tensorflow.org/tfx/serving/api_rest: a
predict request holds ``instances`` (row format: one item per example) or ``inputs`` (columnar
format: one tensor per input name) and optionally ``signature_name``; the answer is
``{"predictions": ...}`` or ``{"outputs": ...}``; errors are ``{"error": "<message>"}``.
Status and metadata are printed as TF Serving prints its protobufs (int64 fields as strings).
"""
import json

import numpy as np

DEFAULT_SIGNATURE = "serving_default"
PREDICT_METHOD = "tensorflow/serving/predict"

# DT_* names of the dtypes a Keras model takes
_DT_NAMES = {"float16": "DT_HALF", "float32": "DT_FLOAT", "float64": "DT_DOUBLE",
             "int8": "DT_INT8", "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64",
             "uint8": "DT_UINT8", "uint16": "DT_UINT16", "uint32": "DT_UINT32",
             "uint64": "DT_UINT64", "bool": "DT_BOOL", "string": "DT_STRING"}


# DataTypeString names, as TF Serving's messages say them
_TF_TYPE = {"float16": "half", "float32": "float", "float64": "double", "bool": "bool"}


def tf_type_name(dtype):
    return _TF_TYPE.get(np.dtype(dtype).name, np.dtype(dtype).name)


class RequestError(Exception):
    """A request the server answers with ``status`` and ``{"error": message}``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class TensorSpec:
    """One named input or output of a signature: dtype (a NumPy dtype) and shape (None: any)."""

    def __init__(self, key, dtype, shape, tensor_name):
        self.key = key
        self.dtype = np.dtype(dtype)
        self.shape = None if shape is None else tuple(None if d is None else int(d)
                                                      for d in shape)
        self.tensor_name = tensor_name

    def shape_text(self):
        if self.shape is None:
            return "[?]"
        return "[%s]" % ", ".join("-1" if d is None else str(d) for d in self.shape)

    def to_json(self):
        dims = [] if self.shape is None else [
            {"size": str(-1 if d is None else d), "name": ""} for d in self.shape]
        return {"dtype": _DT_NAMES.get(self.dtype.name, "DT_INVALID"),
                "tensor_shape": {"dim": dims, "unknown_rank": self.shape is None},
                "name": self.tensor_name}


# ------------------------------------------------------------------------------ status JSON
def dumps_tf(obj):
    """JSON as TF Serving's protobuf printer lays it out (one-space indent)."""
    return json.dumps(obj, indent=1)


def version_status_json(statuses):
    """``GetModelStatusResponse`` for ``[(version, state, error_code, error_message)]``."""
    return dumps_tf({"model_version_status": [
        {"version": str(v), "state": state,
         "status": {"error_code": code, "error_message": message}}
        for v, state, code, message in statuses]})


def metadata_json(name, version, inputs, outputs):
    """``GetModelMetadataResponse`` with the signature_def map of a Keras model."""
    signature_defs = {
        DEFAULT_SIGNATURE: {"inputs": {s.key: s.to_json() for s in inputs},
                            "outputs": {s.key: s.to_json() for s in outputs},
                            "method_name": PREDICT_METHOD},
        "__saved_model_init_op": {"inputs": {}, "outputs": {"__saved_model_init_op": {
            "dtype": "DT_INVALID", "tensor_shape": {"dim": [], "unknown_rank": True},
            "name": "NoOp"}}, "method_name": ""},
    }
    # TF Serving splices the two messages together by hand, hence the odd layout
    spec = dumps_tf({"name": name, "signature_name": "", "version": str(version)})
    sigs = dumps_tf({"signature_def": signature_defs})
    return '{\n"model_spec":%s\n,\n"metadata": {"signature_def": %s\n}\n}' % (spec, sigs)


# ---------------------------------------------------------------------------- predict JSON
def parse_json(body):
    """The request object of a body, or a 400 RequestError naming what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RequestError(400, "JSON Parse error: the body is not UTF-8 (%s)" % e) from None
    try:
        obj = json.loads(text)
    except ValueError as e:
        raise RequestError(400, "JSON Parse error: %s" % e) from None
    if not isinstance(obj, dict):
        raise RequestError(400, "JSON Value: %s Is not an object. The request body must be a "
                           "JSON object with \"instances\" or \"inputs\"." % _short(obj))
    return obj


def _short(value, limit=80):
    text = json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _is_named(item):
    return isinstance(item, dict) and not (len(item) == 1 and "b64" in item)


def _to_array(value, spec, where, check_bools=True):
    """``value`` as an array of ``spec``'s dtype and shape, or a 400 RequestError."""
    if isinstance(value, dict):
        raise RequestError(400, "%s: got a JSON object %s where numbers were expected "
                           "(base64 {\"b64\": ...} values only go to DT_STRING inputs)"
                           % (where, _short(value)))
    try:
        arr = np.asarray(value)
    except ValueError:
        raise RequestError(400, "%s: the nested lists are ragged: every list at one level must "
                           "have the same length (expected shape %s)"
                           % (where, spec.shape_text())) from None
    kind = arr.dtype.kind
    want = spec.dtype
    if check_bools and want.kind != "b" and kind in "iuf" and _has_bool(value):
        kind = "O"   # NumPy reads [1, true] as [1, 1]; JSON says true is no number
    if kind in "OUS" or (kind == "b" and want.kind != "b"):
        bad = next((v for v in arr.ravel() if not isinstance(v, (int, float))
                    or isinstance(v, bool)), arr.ravel()[0] if arr.size else value)
        raise RequestError(400, "%s: JSON Value: %s Type: %s is not of expected type: %s"
                           % (where, _short(bad if not isinstance(bad, np.generic)
                                            else bad.item()), _json_type(bad),
                              tf_type_name(want)))
    if want.kind in "iu" and kind == "f":
        raise RequestError(400, "%s: JSON Value: %s is a decimal number, but the input takes "
                           "%s" % (where, _short(float(arr.ravel()[0]) if arr.size else 0.0),
                                   tf_type_name(want)))
    if want.kind in "iu" and arr.size:
        info = np.iinfo(want)
        if arr.min() < info.min or arr.max() > info.max:
            raise RequestError(400, "%s: a value is out of the range of %s [%d, %d]"
                               % (where, want.name, info.min, info.max))
    if want.kind == "f" and kind in "iu" and arr.size:
        limit = 2 ** np.finfo(want).nmant
        if np.abs(arr).max() > limit:
            raise RequestError(400, "%s: Cannot convert JSON value %d to %s without loss of "
                               "precision" % (where, int(np.abs(arr).max()), tf_type_name(want)))
    arr = arr.astype(want, copy=False)
    _check_shape(arr, spec, where)
    return arr


def _has_bool(value):
    if isinstance(value, bool):
        return True
    if isinstance(value, list):
        if value and not isinstance(value[0], (list, bool)) and \
                all(type(v) is float or type(v) is int for v in value):
            return False   # the common case: a row of plain numbers
        return any(_has_bool(v) for v in value)
    return False


def _json_type(v):
    if isinstance(v, str):
        return "String"
    if isinstance(v, bool):
        return "True" if v else "False"
    if v is None:
        return "Null"
    if isinstance(v, (list, tuple)):
        return "Array"
    if isinstance(v, dict):
        return "Object"
    return "Number"


def _check_shape(arr, spec, where):
    if spec.shape is None:
        return
    ok = arr.ndim == len(spec.shape) and all(
        d is None or d == n for d, n in zip(spec.shape, arr.shape))
    if not ok:
        got = "[%s]" % ", ".join(str(n) for n in arr.shape)
        raise RequestError(400, "%s has shape %s, but the model expects %s (-1: any size)"
                           % (where, got, spec.shape_text()))


def decode_predict(obj, inputs, body=None):
    """``(arrays by input key, "row" or "columnar")`` of a predict request, validated.

    ``body``, the request's bytes, lets the search for JSON true/false inside numbers be
    skipped when neither word occurs in it (the slow part of a nested request).
    """
    check = body is None or b"true" in body or b"false" in body

    def to_array(value, spec, where):
        return _to_array(value, spec, where, check)
    sig = obj.get("signature_name", DEFAULT_SIGNATURE)
    if not isinstance(sig, str):
        raise RequestError(400, "JSON Value: %s not formatted correctly. 'signature_name' key "
                           "must be a string value." % _short(sig))
    if sig not in ("", DEFAULT_SIGNATURE):
        raise RequestError(400, "Serving signature name: \"%s\" not found in signature def"
                           % sig)
    has_rows, has_cols = "instances" in obj, "inputs" in obj
    if has_rows and has_cols:
        raise RequestError(400, "Not formatted correctly expecting only one of 'inputs' or "
                           "'instances' keys to exist")
    if not (has_rows or has_cols):
        raise RequestError(400, "Missing 'inputs' or 'instances' key")
    by_key = {s.key: s for s in inputs}
    if has_rows:
        rows = obj["instances"]
        if not isinstance(rows, list):
            raise RequestError(400, "Expecting 'instances' to be a list/array, got %s"
                               % _json_type(rows))
        if not rows:
            raise RequestError(400, "No values in 'instances': the list is empty")
        if any(_is_named(r) for r in rows):
            if not all(_is_named(r) for r in rows):
                raise RequestError(400, "Expecting all items of 'instances' to be JSON objects "
                                   "(named inputs) or none of them")
            for i, r in enumerate(rows):
                _check_names(set(r), by_key, "instances[%d]" % i)
            arrays = {k: to_array([r[k] for r in rows], s, "Input '%s'" % k)
                      for k, s in by_key.items()}
        else:
            if len(inputs) != 1:
                raise RequestError(400, "The model has %d named inputs (%s): each item of "
                                   "'instances' must be an object keyed by them"
                                   % (len(inputs), ", ".join(sorted(by_key))))
            spec = inputs[0]
            arrays = {spec.key: to_array(rows, spec, "Input '%s'" % spec.key)}
        return arrays, "row"
    cols = obj["inputs"]
    if isinstance(cols, dict) and not (len(cols) == 1 and "b64" in cols):
        _check_names(set(cols), by_key, "'inputs'")
        arrays = {k: to_array(cols[k], s, "Input '%s'" % k) for k, s in by_key.items()}
    else:
        if len(inputs) != 1:
            raise RequestError(400, "The model has %d named inputs (%s): 'inputs' must be an "
                               "object keyed by them" % (len(inputs), ", ".join(sorted(by_key))))
        spec = inputs[0]
        arrays = {spec.key: to_array(cols, spec, "Input '%s'" % spec.key)}
    batch = {a.shape[0] if a.ndim else None for a in arrays.values()}
    if len(batch) > 1:
        raise RequestError(400, "The inputs have different batch sizes %s: the model needs the "
                           "same number of examples in each" % sorted(batch, key=str))
    return arrays, "columnar"


def _check_names(names, by_key, where):
    missing = sorted(set(by_key) - names)
    extra = sorted(names - set(by_key))
    if extra:
        raise RequestError(400, "%s: JSON object: does not have named input: %s (the model's "
                           "inputs: %s)" % (where, extra[0], ", ".join(sorted(by_key))))
    if missing:
        raise RequestError(400, "%s: missing named input %s" % (where, missing[0]))


def _plain(arr):
    """Nested Python lists; float32 values as their shortest decimal form, as TF Serving."""
    arr = np.asarray(arr)
    if arr.dtype == np.float32 or arr.dtype == np.float16:
        flat = [float(s) for s in map(str, arr.ravel())]
        if arr.ndim == 0:
            return flat[0]
        return np.array(flat, dtype=object).reshape(arr.shape).tolist()
    return arr.tolist()


def encode_predict(outputs, fmt):
    """The response body for ``outputs`` (a list of (key, array)) in the request's format."""
    if fmt == "row":
        if len(outputs) == 1:
            body = {"predictions": _plain(outputs[0][1])}
        else:
            n = len(outputs[0][1])
            cols = [(k, _plain(v)) for k, v in outputs]
            body = {"predictions": [{k: v[i] for k, v in cols} for i in range(n)]}
    elif len(outputs) == 1:
        body = {"outputs": _plain(outputs[0][1])}
    else:
        body = {"outputs": {k: _plain(v) for k, v in outputs}}
    return json.dumps(body, allow_nan=True)


def error_json(message):
    return json.dumps({"error": message})
