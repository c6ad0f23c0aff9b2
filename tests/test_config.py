"""tf.config: device records, visible devices and the run-functions-eagerly setting."""
import pytest

import neuroflow as tf
from neuroflow import config as _config


@pytest.fixture(autouse=True)
def keep_config():
    """Puts back the process-wide settings changed here."""
    visible, eager = _config._VISIBLE[0], tf.config.functions_run_eagerly()
    yield
    _config._VISIBLE[0] = visible
    tf.config.run_functions_eagerly(eager)


def test_physical_device_record():
    """PhysicalDevice: TF's namedtuple (name, device_type), equal by value."""
    d = tf.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
    assert d == tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")
    assert d.name == d[0] == "/physical_device:CPU:0" and d.device_type == "CPU"
    assert repr(d) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"


def test_list_physical_and_logical_devices():
    cpus = tf.config.list_physical_devices("CPU")
    assert cpus == [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")]
    assert cpus[0] in tf.config.list_physical_devices()
    assert tf.config.list_physical_devices("TPU") == []
    logical = tf.config.list_logical_devices("CPU")
    assert [(d.name, d.device_type) for d in logical] == [("/device:CPU:0", "CPU")]
    assert type(logical[0]).__name__ == "LogicalDevice"


def test_set_and_get_visible_devices():
    assert tf.config.get_visible_devices() == tf.config.list_physical_devices()
    cpus = tf.config.list_physical_devices("CPU")
    tf.config.set_visible_devices([], "GPU")   # the usual "hide the GPUs"
    assert tf.config.get_visible_devices("GPU") == []
    assert tf.config.list_logical_devices("GPU") == []
    assert tf.config.get_visible_devices("CPU") == cpus
    tf.config.set_visible_devices(cpus[0], "CPU")   # one device is accepted as well
    assert tf.config.get_visible_devices() == cpus
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.set_visible_devices([tf.config.PhysicalDevice("/physical_device:XPU:9", "XPU")])
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.set_visible_devices(cpus, "GPU")   # not of the type named


def test_run_functions_eagerly_setting():
    """functions_run_eagerly is False by default (TF) and follows run_functions_eagerly."""
    assert tf.config.functions_run_eagerly() is False
    assert tf.config.run_functions_eagerly(True) is None
    assert tf.config.functions_run_eagerly() is True

    @tf.function
    def f(x):
        return x * 2.0
    assert float(f(tf.constant(3.0))) == 6.0
    tf.config.run_functions_eagerly(False)
    assert tf.config.functions_run_eagerly() is False
    assert float(f(tf.constant(3.0))) == 6.0
