import os
import sys

from generator.cli import main

code = main()
if len(sys.argv) > 1 and sys.argv[1] == "build":
    # Everything is written, the lock released and the workers stopped: leave without
    # tearing down the interpreter's heap object by object (a tenth of a second after a
    # build), as a process that is done anyway.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
