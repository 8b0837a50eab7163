"""Start the Commerce Billing and Connect API simulator; ``run.py --help`` lists the options."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cbsim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
