"""Read official tables as users have them and turn them into observation rows.

Two kinds of input:

- **NBS database exports** (data.stats.gov.cn, 分省年度数据 / 分省季度数据), CSV in GBK/GB18030 or
  UTF-8 (one or two BOMs), or ``.xls``/``.xlsx``: a few header lines (数据库：…, 指标：…, 地区：…,
  时间：…), then one of three layouts — 地区 rows × ``YYYY年`` columns for one 指标; 指标 rows × years
  for one 地区; 地区 rows × 指标 columns for one 时间 — then footnotes (注：…) and a
  ``数据来源：国家统计局`` line. Cells may be tab-padded; an empty cell is a year not yet published.
- **A plain table typed from a yearbook**: columns indicator, region, year, value, unit (English or
  Chinese headers: 指标, 地区, 年份, 数值, 单位), optionally period and note.

:func:`read_file` returns :class:`Parsed` rows with the file, line and column each came from, so
every problem can be reported where the user can find it. :func:`plan` compares them with a data
package; :func:`apply` writes the new observations atomically after validating the result.

The package is split along those steps: :mod:`.reading` (files and sheets into cells),
:mod:`.mapping` (cells onto the package's ids) and :mod:`.writing` (plan, validate, write under
the lock). Every public name is importable from ``jjj_book.importer`` as before.
"""

from jjj_book.importer.mapping import Mapped, map_cells
from jjj_book.importer.reading import (
    HEADER_KEYS,
    INDEX_PREV_YEAR,
    NAME_UNIT,
    NBS_ALIASES,
    NUMBER,
    OBS_FIELDS,
    PROVINCE_SUFFIXES,
    QUARTER_COLUMN,
    QUARTERLY_REFUSED,
    REGION_ALIASES,
    UNIT_ALIASES,
    YEAR_COLUMN,
    Cell,
    ImportError_,
    Parsed,
    display_name,
    read_file,
)
from jjj_book.importer.writing import (
    KEY,
    MAGNITUDE_FACTOR,
    TMP_SUFFIX,
    Plan,
    Prepared,
    magnitude_problems,
    observations_path,
    plan,
    prepare,
    write,
)

__all__ = [
    "HEADER_KEYS", "INDEX_PREV_YEAR", "KEY", "MAGNITUDE_FACTOR", "NAME_UNIT", "NBS_ALIASES", "NUMBER",
    "OBS_FIELDS", "PROVINCE_SUFFIXES", "QUARTERLY_REFUSED", "QUARTER_COLUMN", "REGION_ALIASES", "TMP_SUFFIX",
    "UNIT_ALIASES", "YEAR_COLUMN", "Cell", "ImportError_", "Mapped", "Parsed", "Plan", "Prepared",
    "display_name", "magnitude_problems", "map_cells", "observations_path", "plan", "prepare", "read_file",
    "write",
]
