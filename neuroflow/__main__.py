"""``python -m neuroflow run script.py``: the same as the ``neuroflow`` command."""
import sys

from .cli import main

sys.exit(main())
