"""Data loading shared by ``input_data``, ``keras.datasets`` and the demo (internal package).

Files are looked up in a given folder, then under ``$NEUROFLOW_DATASETS``, then in the cache
(``~/.neuroflow/datasets`` or ``$NEUROFLOW_HOME/datasets``), and only then downloaded from the
official mirrors with their published sha256.
"""
from .datasets import (FASHION_MNIST, MNIST, MNIST_NPZ, IdxDataset, find_mnist_npz,  # noqa: F401
                       load_digits, load_fashion_mnist, load_mnist, read_npz)
from .files import (ChecksumError, DatasetNotFoundError, RemoteFile, data_home,  # noqa: F401
                    dataset_roots, download, fetch, find_files, sha256sum)
from .idx import read_idx  # noqa: F401
