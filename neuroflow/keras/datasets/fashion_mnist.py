"""Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing."""
from ._common import from_loaders


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: 60,000 / 10,000 uint8 images and labels."""
    return from_loaders("load_fashion_mnist")
