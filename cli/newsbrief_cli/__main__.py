import sys

from newsbrief_cli.main import main

sys.exit(main())
