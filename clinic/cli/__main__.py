import sys

from clinic.cli.main import main

sys.exit(main())
