#!/usr/bin/env python3
"""Set up and run jjj-book on a fresh machine that has only Python 3.11+.

    python3 dev.py build    # create .venv on first use, then build the HTML book
    python3 dev.py test     # create .venv on first use, then run the whole test suite

The virtual environment is (re)installed from pyproject.toml with the exact
versions in requirements.lock whenever either file changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".jjj-installed"
INPUTS = [ROOT / "pyproject.toml", ROOT / "requirements.lock"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if STAMP.exists() and STAMP.read_text() == fingerprint():
        return
    if sys.version_info < (3, 11):
        sys.exit(f"jjj-book needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    print(f"Setting up {VENV.name} (first run or dependencies changed)…", flush=True)
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.check_call(pip + ["install", "-c", str(ROOT / "requirements.lock"), "-e", f"{ROOT}[dev]"])
    STAMP.write_text(fingerprint())


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"build", "test", "setup"}:
        print(__doc__.strip())
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    ensure_venv()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if command == "setup":
        return 0
    if command == "build":
        return subprocess.call([str(BIN / "jjj-book"), "build", *rest], cwd=ROOT, env=env)
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
