import sys

from gateway.keys.setup import main

sys.exit(main())
