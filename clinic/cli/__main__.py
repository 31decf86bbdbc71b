"""python -m clinic.cli: the command line."""

import sys

from clinic.cli.main import main

sys.exit(main())
