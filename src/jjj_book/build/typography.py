"""Sphinx extension: the reader's page, book-wide (Chinese typography, theme strings, tables, hidden cells).

- **No stray spaces in Chinese.** A line break inside a Markdown paragraph becomes a space, which
  shows between two Chinese characters. :func:`join_cjk` removes whitespace between two CJK
  characters (Han, CJK and full-width punctuation, Chinese quotation marks) in the docutils Text
  nodes of a page, across inline markup (``见 {ref}`…` 一节``), never inside code, literal blocks,
  math or raw HTML. It runs when a page is read and again just before it is written (text pasted
  in by ``{glue:text}`` is only there then).
- **Key-figure cells stay out of the page.** Cells tagged ``nbval-check-output`` keep their stored
  outputs in the notebook for the tests (nbval) but are dropped from the page, as if tagged
  ``remove-cell`` as well: chapters tag them once.
- **Tables that read on a phone.** Every body cell of every table gets ``data-label`` (its column
  heading: a ``.jjj-scorecard`` / ``.jjj-cards`` table becomes one card per row at ≤ 600 px) and
  short cells (a region, a verdict, a number with its unit) the class ``jjj-short``, which never
  wraps. The CSS is in ``_static/jjj.css``.
- **Code toggles in Chinese.** ``{type}`` in ``nb_code_prompt_show``/``nb_code_prompt_hide``
  ("显示{type}") becomes 代码, 输出 or 代码和输出 instead of myst-nb's English word.
- **The theme speaks Chinese.** Theme strings with no (or a Traditional-Chinese) translation get a
  Simplified-Chinese one (:data:`THEME_STRINGS`), in the translation catalogues the templates use
  and, for the few written into templates without translation, in the written pages.
"""

from __future__ import annotations

import gettext
import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.locale import translators
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------- CJK spacing

# Han (with extension A and compatibility ideographs), CJK symbols and punctuation (、。《》「」…),
# full-width forms (，：；（）！？), and the Chinese quotation marks “” ‘’ and the ellipsis/dash.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60\uffe0-\uffe6\u201c\u201d\u2018\u2019\u2026\u2014"
CJK_GAP = re.compile(rf"(?<=[{CJK}])[ \t\r\n\u00a0\u3000]+(?=[{CJK}])")
BARRIER = "\x00"      # stands for code, math, raw HTML inside a paragraph: nothing is joined across it
# Inline nodes whose text is never touched (and that separate the text around them).
_KEEP = (nodes.literal, nodes.literal_block, nodes.doctest_block, nodes.math, nodes.math_block,
         nodes.raw, nodes.comment, nodes.substitution_definition, nodes.system_message, nodes.Invisible)
# Block-level elements whose text is one run of prose.
_BLOCKS = (nodes.paragraph, nodes.title, nodes.subtitle, nodes.rubric, nodes.caption, nodes.term,
           nodes.line, nodes.attribution, nodes.field_name, nodes.label)


def _kept(node: nodes.Node) -> bool:
    """Inside code, math, raw HTML … (up to the document)."""
    while node is not None:
        if isinstance(node, _KEEP) or "code" in getattr(node, "get", lambda *_: ())("classes", ()):
            return True
        node = node.parent
    return False


class _Shown(str):
    """The visible text of inline raw HTML (``<a …>课堂包（zip）</a>``): read, never edited."""


def _runs(block: nodes.Element):
    """The Text nodes of a block in reading order, a ``None`` where a kept node interrupts them
    (inline raw HTML is read for its visible text, so ``<a>…包</a> 中的`` loses its space too)."""
    for child in block.children:
        if isinstance(child, nodes.Text):
            yield child
        elif isinstance(child, nodes.raw) and "html" in child.get("format", "").split() \
                and not re.search(r"<(script|style|code|pre)\b", child.astext(), re.I):
            yield _Shown(html.unescape(re.sub(r"<[^>]*>", "", child.astext())) or BARRIER)
        elif isinstance(child, _KEEP) or (isinstance(child, nodes.Element) and "code" in child.get("classes", ())):
            yield None
        elif isinstance(child, _BLOCKS):
            yield None            # a nested block (rare) is joined on its own
        elif isinstance(child, nodes.Element):
            yield from _runs(child)


def join_cjk(doctree: nodes.Node) -> int:
    """Remove whitespace between two CJK characters in the prose of ``doctree``; return how many gaps."""
    removed = 0
    for block in list(doctree.findall(lambda n: isinstance(n, _BLOCKS))):
        if _kept(block):
            continue
        texts = list(_runs(block))
        joined = "".join(BARRIER if t is None else str(t) for t in texts)
        if not CJK_GAP.search(joined):
            continue
        drop = set()
        for match in CJK_GAP.finditer(joined):
            drop.update(range(match.start(), match.end()))
            removed += 1
        offset = 0
        for text in texts:
            length = 1 if text is None else len(text)
            if text is not None and not isinstance(text, _Shown):
                kept = "".join(ch for i, ch in enumerate(str(text)) if offset + i not in drop)
                if kept != str(text):
                    text.parent.replace(text, nodes.Text(kept))
            offset += length
    return removed


class JoinCJKOnRead(SphinxTransform):
    """At reading time (titles in the navigation, the search index's titles)."""

    default_priority = 880

    def apply(self, **kwargs) -> None:
        join_cjk(self.document)


class JoinCJKOnWrite(SphinxPostTransform):
    """Just before writing (after myst-nb pasted the glued values into the prose)."""

    default_priority = 990

    def run(self, **kwargs) -> None:
        join_cjk(self.document)


_RAW_SKIP = re.compile(r"<(pre|code|script|style|textarea|kbd|samp)\b.*?</\1>", re.S | re.I)
_RAW_GAP = re.compile(rf"(?<=[{CJK}])[ \t\r]*\n[ \t\r\n]*(?=[{CJK}])")


def join_cjk_html(body: str) -> str:
    """Line breaks between two CJK characters in the text of written HTML (raw HTML blocks of a page,
    which docutils does not parse); code, scripts and styles are left alone. Only whitespace holding a
    line break goes: a space typed on purpose stays (and the browser check reports it)."""
    out, last = [], 0
    for m in _RAW_SKIP.finditer(body):
        out.append(_join_text_segments(body[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_join_text_segments(body[last:]))
    return "".join(out)


def _join_text_segments(html_part: str) -> str:
    parts = re.split(r"(<[^>]*>)", html_part)
    return "".join(p if p.startswith("<") else _RAW_GAP.sub("", p) for p in parts)


# ---------------------------------------------------------------------------------------------- hidden cells

HIDDEN_CELL_TAGS = ("nbval-check-output",)


def drop_check_cells(doctree: nodes.Node, tags=HIDDEN_CELL_TAGS) -> int:
    """Remove the notebook cells carrying one of ``tags`` from a page; return how many."""
    classes = {f"tag_{tag}" for tag in tags}
    cells = [n for n in doctree.findall(nodes.container) if classes & set(n.get("classes", ()))]
    for cell in cells:
        cell.parent.remove(cell)
    return len(cells)


class DropCheckCells(SphinxTransform):
    default_priority = 870

    def apply(self, **kwargs) -> None:
        drop_check_cells(self.document, tuple(self.config.jjj_hidden_cell_tags))


# ---------------------------------------------------------------------------------------------- code toggles

# myst-nb fills ``{type}`` of nb_code_prompt_show / nb_code_prompt_hide with an English word.
PROMPT_TYPES = {"source": "代码", "content": "代码和输出", "output": "输出", "outputs": "输出"}


class ChinesePromptTypes(SphinxPostTransform):
    """"显示source" → "显示代码": the ``{type}`` myst-nb put into the toggles of hidden cells, in Chinese."""

    default_priority = 205          # after myst-nb's HideInputCells (199)
    formats = ("html",)

    def run(self, **kwargs) -> None:
        try:
            from myst_nb.sphinx_ import HideCodeCellNode
        except ImportError:  # pragma: no cover - myst-nb is a dependency of the book
            return
        for key, template in (("prompt_show", self.config.nb_code_prompt_show),
                              ("prompt_hide", self.config.nb_code_prompt_hide)):
            if "{type}" not in template:
                continue
            english = {template.replace("{type}", en): template.replace("{type}", zh) for en, zh in PROMPT_TYPES.items()}
            for node in self.document.findall(HideCodeCellNode):
                node[key] = english.get(node[key], node[key])


# ---------------------------------------------------------------------------------------------- tables

SHORT_CELL = 16        # display width (a CJK character counts 2): 区域名、核对结论、“统计公报初步数”、“9.64 万亿元” never wrap
_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _width(text: str) -> int:
    return sum(2 if re.match(rf"[{CJK}]", ch) else 1 for ch in text)


def _text(cell_html: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", cell_html)).split())


def _with_attrs(attrs: str, label: str | None, short: bool) -> str:
    if short:
        match = re.search(r'\bclass="([^"]*)"', attrs)
        if match:
            if "jjj-short" not in match.group(1).split():
                attrs = attrs[:match.start(1)] + match.group(1) + " jjj-short" + attrs[match.end(1):]
        else:
            attrs += ' class="jjj-short"'
    if label is not None and "data-label=" not in attrs:
        attrs += f' data-label="{html.escape(label, quote=True)}"'
    return attrs


def annotate_table(table: str) -> str:
    """One table's HTML with ``data-label`` on every body cell and ``jjj-short`` on short cells."""
    head_match = re.search(r"<thead\b.*?</thead>", table, re.S)
    headings: list[str] = []
    if head_match:
        rows = _ROW.findall(head_match.group(0))
        if rows:
            for kind, attrs, inner in _CELL.findall(rows[-1]):
                span = re.search(r'colspan="(\d+)"', attrs)
                headings += [_text(inner)] * (int(span.group(1)) if span else 1)

    def row(match: re.Match) -> str:
        column = 0

        def cell(m: re.Match) -> str:
            nonlocal column
            kind, attrs, inner = m.groups()
            text = _text(inner)
            in_head = head_match is not None and head_match.start() <= match.start() < head_match.end()
            label = None if in_head or column >= len(headings) else headings[column]
            span = re.search(r'colspan="(\d+)"', attrs)
            column += int(span.group(1)) if span else 1
            short = 0 < _width(text) <= SHORT_CELL
            return f"<{kind}{_with_attrs(attrs, label, short)}>{inner}</{kind}>"

        return _CELL.sub(cell, match.group(0))

    return _ROW.sub(row, table)


def annotate_tables(body: str) -> str:
    return _TABLE.sub(lambda m: annotate_table(m.group(0)), body)


# ---------------------------------------------------------------------------------------------- theme strings

# Simplified Chinese for theme strings that have no translation, or a Traditional one (列印成 PDF).
THEME_STRINGS = {
    "Link to this heading": "链接到此标题",
    "Link to this table": "链接到此表格",
    "Link to this image": "链接到此图片",
    "Link to this code": "链接到此代码",
    "Link to this definition": "链接到此定义",
    "Link to this term": "链接到此术语",
    "Link to this equation": "链接到此公式",
    "Print to PDF": "打印为 PDF",
    "Download this page": "下载此页面",
    "Download source file": "下载源文件",
    "Toggle primary sidebar": "显示或隐藏全书目录",
    "Toggle secondary sidebar": "显示或隐藏本页目录",
    "System Settings": "跟随系统",
    "Color mode": "配色",
    "Light": "亮色",
    "Dark": "暗色",
    "Breadcrumb": "页面位置",
    "Collapse Sidebar": "收起侧栏",
    "Expand Sidebar": "展开侧栏",
    "Contents": "本页目录",
    "By": "作者",
    "Copyright": "版权",
    "Back to top": "回到顶部",
    "Skip to main content": "跳到正文",
    "Toggle hidden content": "展开或收起",
    "Search": "搜索",
    "Announcement": "公告",
    "Main": "全书目录",
    "Page": "本页",
    "Related": "相关页面",
}
# Attributes the templates write in English without asking for a translation.
_HARDCODED_ATTRS = ("title", "aria-label", "placeholder", "data-bs-title")


class _Overrides(gettext.NullTranslations):
    """A translation catalogue that answers from ``table`` first, then from the one it replaces."""

    def __init__(self, table: dict[str, str], fallback):
        super().__init__()
        self.table = table
        if fallback is not None:
            self.add_fallback(fallback)

    def gettext(self, message):
        if message in self.table:
            return self.table[message]
        return self._fallback.gettext(message) if self._fallback else message

    def ngettext(self, singular, plural, n):
        if n == 1 and singular in self.table:
            return self.table[singular]
        return self._fallback.ngettext(singular, plural, n) if self._fallback else (singular if n == 1 else plural)


def _chinese(app) -> bool:
    return str(app.config.language or "").lower().replace("-", "_").startswith("zh")


def install_theme_strings(app, config) -> None:
    """Put :data:`THEME_STRINGS` in front of the 'sphinx' and 'booktheme' catalogues (before the builder
    hands the 'sphinx' one to the templates)."""
    if not _chinese(app):
        return
    table = {**THEME_STRINGS, **(config.jjj_theme_strings or {})}
    for catalog in ("sphinx", "booktheme"):
        key = ("general", catalog)
        current = translators.get(key)
        if isinstance(current, _Overrides):
            continue
        wrapped = _Overrides(table, current)
        translators[key] = wrapped
        if catalog == "sphinx":
            app.translator = wrapped


def translate_attributes(page: str, table: dict[str, str]) -> str:
    """English attribute values the templates write without translation, in Chinese."""
    def swap(m: re.Match) -> str:
        value = html.unescape(m.group(2))
        return f'{m.group(1)}="{html.escape(table[value], quote=True)}"' if value in table else m.group(0)

    pattern = re.compile(rf'\b({"|".join(_HARDCODED_ATTRS)})="([^"]*)"')
    return pattern.sub(swap, page)


# ---------------------------------------------------------------------------------------------- Sphinx hooks

def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" in context and isinstance(context["body"], str):
        body = annotate_tables(join_cjk_html(context["body"]))
        if _chinese(app):
            body = translate_attributes(body, {**THEME_STRINGS, **(app.config.jjj_theme_strings or {})})
        context["body"] = body


def _translate_written_pages(app, exception) -> None:
    """Attribute strings hard-coded in the theme's templates, in every page written."""
    if exception is not None or app.builder.format != "html" or not _chinese(app):
        return
    table = {**THEME_STRINGS, **(app.config.jjj_theme_strings or {})}
    outdir = Path(app.outdir)
    for path in outdir.rglob("*.html"):
        if "_static" in path.relative_to(outdir).parts:
            continue
        text = path.read_text(encoding="utf-8")
        new = translate_attributes(text, table)
        if new != text:
            path.write_text(new, encoding="utf-8")


def setup(app):
    app.add_config_value("jjj_hidden_cell_tags", list(HIDDEN_CELL_TAGS), "env")
    app.add_config_value("jjj_theme_strings", {}, "html")
    app.add_transform(DropCheckCells)
    app.add_transform(JoinCJKOnRead)
    app.add_post_transform(JoinCJKOnWrite)
    app.add_post_transform(ChinesePromptTypes)
    app.connect("config-inited", install_theme_strings, priority=900)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _translate_written_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
