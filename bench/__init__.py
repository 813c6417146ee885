"""Benchmarks of the book's build and test suite: run `python3 bench/run.py --help`."""
