"""`python -m tinygrad_lite` runs the `tinygrad-lite` command."""

import sys

from .cli import main

sys.exit(main())
