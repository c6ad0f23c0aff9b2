"""``keras.applications``: VGG16, VGG19, ResNet50 (101, 152), InceptionV3, MobileNet and
MobileNetV2 with Keras's layer names (so Keras weight files fit), plus each model's
``preprocess_input`` and ``decode_predictions`` (the ImageNet class index ships with neuroflow).

Pretrained weights are not downloaded: ``weights=None`` initializes at random, a path loads a
Keras weights file, 'imagenet' reads the Keras file from the Keras cache (~/.keras/models) if it
is there.
"""
from . import (imagenet_utils, inception_v3, mobilenet, mobilenet_v2,  # noqa: F401
               resnet, resnet50, vgg16, vgg19)
from .inception_v3 import InceptionV3  # noqa: F401
from .mobilenet import MobileNet  # noqa: F401
from .mobilenet_v2 import MobileNetV2  # noqa: F401
from .resnet import ResNet50, ResNet101, ResNet152  # noqa: F401
from .vgg16 import VGG16  # noqa: F401
from .vgg19 import VGG19  # noqa: F401
from .efficientnet_lite import EfficientNetLite0  # noqa: F401
