"""jjj_book: data, metrics, plots and claims for the executable edition of the
Beijing–Tianjin–Hebei Coordinated Development Report (2023).

Floor plan: ``data`` (load and validate the data package), ``series`` (derived
series such as per-capita GDP), ``metrics`` (growth, gaps, dispersion),
``plots`` (the house style), ``claims`` (the report's statements and their
checks), ``cli`` (the ``jjj-book`` command), ``sphinx_ext`` (build hooks).
"""

__version__ = "0.1.0"
