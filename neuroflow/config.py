"""``tf.config``: devices and threading."""
import types

from .core import backend as _backend
from .core import threads as _threads


class PhysicalDevice:
    def __init__(self, name, device_type):
        self.name, self.device_type = name, device_type

    def __repr__(self):
        return f"PhysicalDevice(name='{self.name}', device_type='{self.device_type}')"


def list_physical_devices(device_type=None):
    devs = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if _backend.gpu_available():
        devs.append(PhysicalDevice("/physical_device:GPU:0", "GPU"))
    return [d for d in devs if device_type is None or d.device_type == device_type]


def list_logical_devices(device_type=None):
    return [PhysicalDevice(d.name.replace("physical_device", "device"), d.device_type)
            for d in list_physical_devices(device_type)]


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    pass


def _set_memory_growth(device, enable):
    pass


def _get_memory_growth(device):
    return False


experimental = types.SimpleNamespace(
    list_physical_devices=list_physical_devices, list_logical_devices=list_logical_devices,
    set_memory_growth=_set_memory_growth, get_memory_growth=_get_memory_growth,
    get_visible_devices=get_visible_devices, set_visible_devices=set_visible_devices)

threading = types.SimpleNamespace(
    set_intra_op_parallelism_threads=_threads.set_intra_op_parallelism_threads,
    get_intra_op_parallelism_threads=_threads.get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads=lambda n: None,
    get_inter_op_parallelism_threads=lambda: 0)


def run_functions_eagerly(run_eagerly):
    pass


def functions_run_eagerly():
    return True


__all__ = []
