"""Serving Keras models over TensorFlow Serving's REST API (``neuroflow serve``).

Example:
  >>> from neuroflow.serving import ModelManager, ModelServer      # doctest: +SKIP
  >>> manager = ModelManager()
  >>> manager.add_path("mnist", "models/mnist")      # models/mnist/1/model.h5, 2/ ...
  >>> with ModelServer(manager, port=8501):
  ...     ...   # POST http://127.0.0.1:8501/v1/models/mnist:predict {"instances": [...]}
"""
from .models import ModelManager, ServedModel, keras_signature  # noqa: F401
from .rest import RequestError, TensorSpec  # noqa: F401
from .server import DEFAULT_MAX_REQUEST_BYTES, ModelServer  # noqa: F401

__all__ = ["ModelManager", "ModelServer", "ServedModel", "RequestError", "TensorSpec",
           "keras_signature", "DEFAULT_MAX_REQUEST_BYTES"]
