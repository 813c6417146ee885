"""Build-free checks of a built book: which pages the TOC lists, what each page links to, its text.

Everything here reads HTML files with the standard library, so it runs in milliseconds and can be
unit-tested on a deliberately broken copy of the built book.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx_external_toc.parsing import parse_toc_yaml

SOURCE_SUFFIXES = (".md", ".ipynb", ".rst", ".myst")


def toc_docnames(book: Path) -> list[str]:
    """Every page the book's _toc.yml lists (root first, globs expanded), as Sphinx docnames."""
    site_map = parse_toc_yaml(book / "_toc.yml")
    names = [_strip_suffix(name) for name in site_map.keys()]  # `file: intro.md` is allowed too
    for pattern in sorted(site_map.globs()):
        for path in sorted(book.glob(pattern + ".*")):
            if path.suffix in SOURCE_SUFFIXES:
                docname = path.relative_to(book).with_suffix("").as_posix()
                if docname not in names:
                    names.append(docname)
    return names


def _strip_suffix(name: str) -> str:
    for suffix in SOURCE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class _PageScan(HTMLParser):
    """ids, links and the text of the <article> of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._article = 0
        self._skip = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in ("a", "area") and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\";]+)", attrs.get("content") or "", re.I)
            if match:
                self.links.append(match.group(1).strip())
        if tag == "article":
            self._article += 1
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "article" and self._article:
            self._article -= 1
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._article and not self._skip:
            self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())


@dataclass(frozen=True)
class LinkProblem:
    page: str   # the page holding the link, relative to the HTML root
    href: str   # the link as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.href!r} {self.reason}"


@dataclass
class Site:
    """A built HTML book on disk."""

    root: Path
    _scans: dict[str, _PageScan] = field(default_factory=dict, repr=False)

    @cached_property
    def pages(self) -> list[str]:
        """Every HTML page (relative POSIX paths), _static excluded (theme assets, not book pages)."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html")
                      if "_static" not in p.relative_to(self.root).parts)

    def scan(self, page: str) -> _PageScan:
        if page not in self._scans:
            parser = _PageScan()
            parser.feed((self.root / page).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._scans[page] = parser
        return self._scans[page]

    def ids(self, page: str) -> set[str]:
        return self.scan(page).ids

    def text(self, page: str) -> str:
        """The visible text of the page's <article> (what Sphinx indexes for search)."""
        return self.scan(page).text

    def resolve(self, page: str, href: str) -> tuple[str, str] | None:
        """(target path relative to the root, fragment) of an internal link; None for external ones.

        Raises ValueError for a link that climbs out of the book.
        """
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None  # http(s) to elsewhere, mailto:, javascript:, data: … not this book's pages
        path = unquote(parts.path)
        fragment = unquote(parts.fragment)
        if not path:
            return page, fragment
        base = "" if path.startswith("/") else posixpath.dirname(page)
        target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if target == ".." or target.startswith("../"):
            raise ValueError("points outside the book")
        if target in ("", ".") or (self.root / target).is_dir():
            target = posixpath.join(target, "index.html") if target not in ("", ".") else "index.html"
        return target, fragment

    def check_link(self, page: str, href: str, live_ids: set[str] | None = None) -> LinkProblem | None:
        """None when an internal link reaches an existing file (and, for a fragment, that anchor).

        ``live_ids`` are the ids of the page as a browser built it, used for links within that page.
        """
        try:
            resolved = self.resolve(page, href)
        except ValueError as exc:
            return LinkProblem(page, href, str(exc))
        if resolved is None:
            return None
        target, fragment = resolved
        if not (self.root / target).is_file():
            return LinkProblem(page, href, f"leads to a missing file ({target})")
        if fragment and target.endswith(".html"):
            ids = set(self.ids(target))
            if target == page and live_ids:
                ids |= live_ids
            if fragment not in ids:
                return LinkProblem(page, href, f"leads to a missing anchor #{fragment} in {target}")
        return None

    def link_problems(self, page: str) -> list[LinkProblem]:
        """Every internal link and anchor of one page that does not resolve."""
        problems = (self.check_link(page, href) for href in self.scan(page).links if href.strip() not in ("", "#"))
        return [p for p in problems if p is not None]


def page_path(docname: str) -> str:
    """The HTML file of a Sphinx docname (html builder)."""
    return f"{docname}.html"


def toc_pages(book: Path) -> list[str]:
    """The HTML file of every page the book's _toc.yml lists, root first."""
    return [page_path(name) for name in toc_docnames(book)]


# --------------------------------------------------------------------------- navigation (issue 14 §6)

class _ArticleLinks(HTMLParser):
    """The links inside the <article> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._article = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self._article += 1
        elif tag == "a" and self._article:
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "article" and self._article:
            self._article -= 1


def pages_not_linked_from(site: Site, page: str, pages: list[str]) -> list[str]:
    """The pages of ``pages`` (other than ``page``) that no link in ``page``'s article leads to."""
    parser = _ArticleLinks()
    parser.feed((site.root / page).read_text(encoding="utf-8"))
    targets = set()
    for href in parser.links:
        try:
            resolved = site.resolve(page, href)
        except ValueError:
            continue
        if resolved:
            targets.add(resolved[0])
    return [p for p in pages if p != page and p not in targets]


class _Sidebar(HTMLParser):
    """Part captions and chapter titles of the book's navigation (the primary sidebar)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.captions: list[str] = []
        self.titles: list[str] = []
        self._nav = 0
        self._into: list | None = None
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "nav" and "bd-docs-nav" in classes:
            self._nav += 1
        elif self._nav and tag == "span" and "caption-text" in classes:
            self._into, self._buffer = self.captions, ""
        elif self._nav and tag == "a" and "reference" in classes:
            self._into, self._buffer = self.titles, ""

    def handle_endtag(self, tag):
        if tag in ("span", "a") and self._into is not None:
            self._into.append(" ".join(self._buffer.split()))
            self._into = None
        elif tag == "nav" and self._nav:
            self._nav -= 1

    def handle_data(self, data):
        if self._into is not None:
            self._buffer += data


def sidebar_repeats(site: Site, page: str) -> list[str]:
    """Part captions of the sidebar that are also a chapter title there (发展现状 above 发展现状)."""
    parser = _Sidebar()
    parser.feed((site.root / page).read_text(encoding="utf-8"))
    titles = set(parser.titles)
    return [f"part caption {c!r} is also a chapter title in the sidebar" for c in parser.captions if c in titles]
