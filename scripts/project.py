"""What the release scripts (oci-image.py, sbom.py) read from the checkout:
its version, commit and commit date."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def version():
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(pidone VERSION ([0-9.]+)", text).group(1)


def commit_epoch():
    """The commit's date, the one date every release file carries."""
    return int(git("log", "-1", "--format=%ct", "HEAD"))
