"""``tf.config``: devices and threading."""
import collections
import types

from .core import backend as _backend
from .core import threads as _threads

# TF's device records are namedtuples: equal by value, so set_visible_devices can check them
PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
_VISIBLE = [None]         # None: every physical device
_RUN_EAGERLY = [False]    # tf.function always runs op by op here; this is TF's setting only


def list_physical_devices(device_type=None):
    devs = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if _backend.gpu_available():
        devs.append(PhysicalDevice("/physical_device:GPU:0", "GPU"))
    return [d for d in devs if device_type is None or d.device_type == device_type]


def list_logical_devices(device_type=None):
    return [LogicalDevice(d.name.replace("physical_device", "device"), d.device_type)
            for d in get_visible_devices(device_type)]


def get_visible_devices(device_type=None):
    devs = list_physical_devices() if _VISIBLE[0] is None else _VISIBLE[0]
    return [d for d in devs if device_type is None or d.device_type == device_type]


def set_visible_devices(devices, device_type=None):
    """Which physical devices the runtime uses (TF's checks: known devices of ``device_type``)."""
    if not isinstance(devices, list):
        devices = [devices]
    physical = list_physical_devices()
    for d in devices:
        if d not in physical or (device_type is not None and d.device_type != device_type):
            raise ValueError("Unrecognized device: %s" % repr(d))
    keep = [] if device_type is None else \
        [d for d in get_visible_devices() if d.device_type != device_type]
    _VISIBLE[0] = keep + devices


_MEMORY_GROWTH = {}      # GPU device -> bool, as set (CuPy allocates from its pool on demand)


def _set_memory_growth(device, enable):
    """``tf.config.experimental.set_memory_growth``: GPU devices only, as TF."""
    if device not in list_physical_devices():
        raise ValueError("Unrecognized device: %s" % repr(device))
    if device.device_type != "GPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    _MEMORY_GROWTH[device] = bool(enable)


def _get_memory_growth(device):
    """The memory growth set for ``device`` (None until set)."""
    if device not in list_physical_devices():
        raise ValueError("Unrecognized device: %s" % repr(device))
    return _MEMORY_GROWTH.get(device)


experimental = types.SimpleNamespace(
    list_physical_devices=list_physical_devices, list_logical_devices=list_logical_devices,
    set_memory_growth=_set_memory_growth, get_memory_growth=_get_memory_growth,
    get_visible_devices=get_visible_devices, set_visible_devices=set_visible_devices)

_INTER_OP = [0]   # TF's setting (0: the system picks); ops here run one after another


def _set_inter_op(num_threads):
    _INTER_OP[0] = int(num_threads)


threading = types.SimpleNamespace(
    set_intra_op_parallelism_threads=_threads.set_intra_op_parallelism_threads,
    get_intra_op_parallelism_threads=_threads.get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads=_set_inter_op,
    get_inter_op_parallelism_threads=lambda: _INTER_OP[0])


def run_functions_eagerly(run_eagerly):
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly():
    """TF's setting (False unless ``run_functions_eagerly(True)``)."""
    return _RUN_EAGERLY[0]


__all__ = []
