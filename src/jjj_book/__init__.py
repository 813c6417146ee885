"""jjj_book: the executable edition of the Beijing–Tianjin–Hebei Coordinated Development Report (2023).

Floor plan, in layers — data flows down the list, nothing imports upward:

1. ``data`` — load and validate the data package (``paths``: the copy shipped with the package);
2. ``vocab`` — the book's shared words: regions, years, verdict and kind labels;
3. ``metrics``, ``series``, ``indexes`` — arithmetic on frames and derived series; they refuse
   arithmetic a vintage does not support (across years of a non-series vintage, across index releases);
4. ``claims`` — the report's statements and the book's premises, one module per chapter; only claims
   (``claims.registry``: the claim model and the one registry they register into);
5. ``chapters`` — what each chapter computes for its pages, one module per chapter, and the chapter
   contract (:func:`jjj_book.chapters.setup`); ``chapters.tracing`` finds where each shown number comes
   from (traced by re-running its computation, or declared in ``chapters.numbers``) and shows tables
   whose cells open their sources;
6. ``plots``, ``render``, ``text``, ``provenance`` — charts, verdict lines, tables and numbers with their sources;
7. ``build`` — the book build: execution cache, Sphinx extensions, classroom pack, PDF;
8. ``cli``, ``importer`` — the user's doors (``jjj-book``); ``book`` reads the pages from ``_toc.yml``.
"""

__version__ = "0.1.0"
