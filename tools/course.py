#!/usr/bin/env python3
"""The course command, run by the `course` file at the root (`./course help`).

It only strings together tools a student could run by hand (apt-get, cmake
and ctest through CMakePresets.json, git, diff), and prints what it runs,
so that nothing here is magic. The code is in tools/course_cli/, one module
per command.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ folders in the student's tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from course_cli import main  # noqa: E402

sys.exit(main())
