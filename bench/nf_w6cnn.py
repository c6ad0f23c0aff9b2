"""W6cnn: predict ONE 28x28x1 image with the W3 CNN (built, untrained), median of 200 calls.

usage: python bench/nf_w6cnn.py [--import-only]
"""

import nf_common as N
import nf_keras

if __name__ == "__main__" and not N.import_only():
    nf_keras.run_latency("W6cnn")
