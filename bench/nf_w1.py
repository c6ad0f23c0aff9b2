"""W1: seed MLP 784-256(sigmoid)-128(sigmoid)-Dropout(0.5)-10(softmax), SGD 0.01, batch 32, 1 epoch.

usage: python bench/nf_w1.py [--import-only]
"""

import nf_common as N
import nf_keras

if __name__ == "__main__" and not N.import_only():
    nf_keras.run_classifier("W1")
