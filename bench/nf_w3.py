"""W3: the course CNN (Conv32-pool-Conv64-pool-Dense256-Dropout-Dense10), Adam 1e-3, batch 100.

W3_STEPS (default 100) timed steps, scaled to the 600 steps of an epoch, as the peers.
usage: python bench/nf_w3.py [--import-only]
"""

import nf_common as N
import nf_keras

if __name__ == "__main__" and not N.import_only():
    nf_keras.run_classifier("W3")
