"""What the validator's process imports: not the heavy optional libraries that the `elasticsearch`
package loads when installed (pyarrow and numpy, about 40 MB of the validator's 200 MB budget)."""

import subprocess
import sys


def test_the_validator_does_not_load_the_heavy_optional_libraries():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, streaming.validator.cli; "
                               "print(sorted(m for m in ('elasticsearch', 'pyarrow', 'numpy', 'pandas') if m in sys.modules))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
