"""TensorFlow dtypes (``tf.float32`` ...) mapped onto NumPy dtypes."""
import numpy as np


class DType:
    """A TensorFlow dtype: ``name``, ``as_numpy_dtype``, ``is_floating`` ..."""

    def __init__(self, name, np_dtype, short):
        self.name = name
        self._np = np.dtype(np_dtype) if np_dtype is not object else np.dtype(object)
        self._short = short  # the word TF's error messages use ("float", "int32")

    @property
    def as_numpy_dtype(self):
        return self._np.type

    @property
    def base_dtype(self):
        return self

    @property
    def real_dtype(self):
        return self

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_complex(self):
        return self._np.kind == "c"

    @property
    def size(self):
        return self._np.itemsize

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def is_compatible_with(self, other):
        return as_dtype(other) is self

    def __eq__(self, other):
        if isinstance(other, DType):
            return self is other
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, "half")
half = float16
float32 = DType("float32", np.float32, "float")
float64 = DType("float64", np.float64, "double")
double = float64
bfloat16 = float16  # NumPy has no bfloat16: computed as float16
int8 = DType("int8", np.int8, "int8")
int16 = DType("int16", np.int16, "int16")
int32 = DType("int32", np.int32, "int32")
int64 = DType("int64", np.int64, "int64")
uint8 = DType("uint8", np.uint8, "uint8")
uint16 = DType("uint16", np.uint16, "uint16")
uint32 = DType("uint32", np.uint32, "uint32")
uint64 = DType("uint64", np.uint64, "uint64")
bool_ = DType("bool", np.bool_, "bool")
complex64 = DType("complex64", np.complex64, "complex64")
complex128 = DType("complex128", np.complex128, "complex128")
string = DType("string", object, "string")

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool_, complex64, complex128, string]
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "double": float64, "bfloat16": float16, "float": float32,
                 "int": int32, "str": string, "bytes": string})
_BY_NP = {d._np: d for d in _ALL if d is not string}


def as_dtype(x):
    """The DType for a DType, a name, a NumPy dtype or a Python type (``tf.as_dtype``)."""
    if isinstance(x, DType):
        return x
    if x is None:
        raise TypeError("Cannot convert None to a dtype.")
    if isinstance(x, str):
        if x in _BY_NAME:
            return _BY_NAME[x]
        raise TypeError(f"Cannot convert value {x!r} to a TensorFlow DType.")
    if x is float:
        return float32
    if x is int:
        return int32
    if x is bool:
        return bool_
    if x in (str, bytes, object):
        return string
    try:
        nd = np.dtype(x)
    except TypeError:
        raise TypeError(f"Cannot convert value {x!r} to a TensorFlow DType.") from None
    if nd.kind in "USO":
        return string
    if nd in _BY_NP:
        return _BY_NP[nd]
    raise TypeError(f"Cannot convert value {x!r} to a TensorFlow DType.")


def short_name(d):
    return as_dtype(d)._short


def np_dtype(d):
    """The NumPy dtype of a DType-like argument."""
    return as_dtype(d)._np
