"""W6mlp: predict ONE image with the W2 MLP (built, untrained), median of 200 calls.

usage: python bench/nf_w6mlp.py [--import-only]
"""

import nf_common as N
import nf_keras

if __name__ == "__main__" and not N.import_only():
    nf_keras.run_latency("W6mlp")
