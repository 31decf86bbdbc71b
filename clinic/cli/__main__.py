import sys

from clinic.cli.common import main

sys.exit(main())
