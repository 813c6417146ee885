"""Setuptools hook: ship the book's data package inside the wheel.

``data/`` stays the one copy in the repository; building the package copies it to
``jjj_book/datapackage/`` so that an installed ``jjj_book`` (a student's wheel) finds its
data without the repository (:func:`jjj_book.paths.default_data_dir`).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FILES = ("*.csv", "*.json", "*.md")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads data/ from the checkout
            return
        target = Path(self.build_lib) / "jjj_book" / "datapackage"
        target.mkdir(parents=True, exist_ok=True)
        for pattern in DATA_FILES:
            for path in sorted((ROOT / "data").glob(pattern)):
                shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": BuildWithData})
