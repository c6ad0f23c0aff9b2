"""W2: big MLP 784-1024-512-512(relu)-10(softmax), Adam 1e-3, batch 128, one epoch.

usage: python bench/nf_w2.py [--import-only]
"""

import nf_common as N
import nf_keras

if __name__ == "__main__" and not N.import_only():
    nf_keras.run_classifier("W2")
