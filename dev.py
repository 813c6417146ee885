#!/usr/bin/env python3
"""Set up and run jjj-book on a fresh machine that has only Python 3.11+.

    python3 dev.py build    # create .venv on first use, then build the HTML book into _build/html/
    python3 dev.py test     # create .venv on first use, then run the whole test suite (a process per core)

    python3 dev.py build --verbose   # also show pip's and Sphinx's full output
    python3 dev.py build --all       # execute every chapter and re-read every page
    python3 dev.py build --pdf       # also print the book as PDF (_build/pdf/; needs Debian's chromium)
    python3 dev.py test -m "not slow"           # the fast lane: no kernel, no book build
    python3 dev.py test tests/test_data.py -q   # arguments go to pytest

The virtual environment is (re)installed from pyproject.toml with the exact
versions in requirements.lock whenever either file changes. pip's messages are
shown only if the installation fails (or with --verbose).
"""

import hashlib
import os
import subprocess
import sys
import time
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


def ensure_venv(verbose: bool = False) -> None:
    if STAMP.exists() and STAMP.read_text() == fingerprint():
        return
    if sys.version_info < (3, 11):
        sys.exit(f"jjj-book needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    print(f"Setting up {VENV.name} (first run, or pyproject.toml / requirements.lock changed); "
          "this takes one to three minutes…", flush=True)
    started = time.perf_counter()
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    command = pip + ["install", "-c", str(ROOT / "requirements.lock"), "-e", f"{ROOT}[dev]"]
    if verbose:
        subprocess.check_call(command)
    else:
        # pip's chatter (e.g. a warning per configured package index it cannot use) only on failure
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            sys.stdout.write(done.stdout)
            sys.exit(f"error: installing jjj-book into {VENV} failed (pip's messages above); "
                     f"command: {' '.join(command)}")
    STAMP.write_text(fingerprint())
    print(f"Set up {VENV.name} in {time.perf_counter() - started:.0f} s.", flush=True)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"build", "test", "setup"}:
        print(__doc__.strip())
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    ensure_venv(verbose=command == "build" and ("--verbose" in rest or "-v" in rest))
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if command == "setup":
        return 0
    if command == "build":
        return subprocess.call([str(BIN / "jjj-book"), "build", str(ROOT), *rest], cwd=ROOT, env=env)
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *parallel(rest), *rest], cwd=ROOT, env=env)


def parallel(args: list[str]) -> list[str]:
    """pytest-xdist options for the whole suite and its lanes (``-m``, ``-k``): one test process per core,
    each test file in one process (a notebook's cells share one kernel; a module's fixtures are made once).
    (Not ``--dist loadgroup``: pytest-xdist 3.8 cannot regroup tests under pytest 9.2, it splits a notebook.)
    Nothing when pytest is given a test file or folder, or options of its own for this (-n, -p, --dist)."""
    named = [a for a in args if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()]
    own = any(a.startswith(("-n", "--numprocesses", "--dist", "-p")) for a in args)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if named or own or cores < 2:
        return []
    return ["-n", str(min(cores, 4)), "--dist", "loadfile"]


if __name__ == "__main__":
    sys.exit(main())
