"""The book build: everything Sphinx and execution (layer 7 of the package).

- :mod:`.html` — ``jjj-book build``: the up-to-date check, Sphinx, what the build prints;
- :mod:`.sphinx_ext` — the Sphinx extension that executes chapters before their pages are read;
- :mod:`.execute` — runs the out-of-date chapters in parallel kernels;
- :mod:`.cache` — the kept results (``_build/.jjj-execute/``) and when they are stale;
- :mod:`.fingerprints` — fingerprints of code, helpers, environment and the data a chapter read;
- :mod:`.tracking` — inside each kernel: notes which files of the book a chapter opens;
- (:mod:`jjj_book.reads`, outside this package: the notes :mod:`jjj_book.data` makes of what a chapter read)
- :mod:`.stamp` — the whole-build up-to-date stamp;
- :mod:`.sphinx_downloads`, :mod:`.sphinx_mathjax` — per-chapter downloads, MathJax served offline;
- :mod:`.typography` — the reader's page: Chinese typography, theme strings, tables;
- :mod:`.pack` — the classroom pack (chapter notebooks, data and the package in one archive).

Nothing is imported here: the build imports its modules one by one, and kernels import only what they use.
"""
