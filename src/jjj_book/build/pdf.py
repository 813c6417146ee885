"""The book as one PDF, printed from the built HTML by the system's Chromium.

1. :func:`print_page` gathers the article of every page of the table of contents, in
   order, into one HTML file beside the chapters (``_build/html/chapters/_print.html``),
   so the book's own CSS, web font and images apply; each page starts on a new sheet,
   and print CSS hides what paper cannot use (code toggles, download lines, sidebars)
   and, in the students' edition, the exercises' reference solutions.
2. Chromium (driven by Playwright's Python package, which never downloads a browser)
   prints it to A4 with page numbers in the footer and the headings as the PDF outline.
3. pypdf reads back on which page each chapter starts and prepends a contents page
   with those page numbers.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from jjj_book import book
from jjj_book.build.threads import in_own_thread

PRINT_NAME = "_print.html"
EDITIONS = ("student", "teacher")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage",
                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>;127.0.0.1",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
ARTICLE = re.compile(r'<article class="bd-article"[^>]*>(.*?)</article>', re.S)
HEAD = re.compile(r"<head>(.*?)</head>", re.S)
SOLUTION = re.compile(r'(<div class="cell tag_hide-cell[^"]*">\s*<details[^>]*)>')
EMPTY_ANCHOR = re.compile(r'<span id="[^"]*"></span>')

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html, body { background: #fff !important; }
.jjj-print-page { break-before: page; }
.jjj-print-page:first-of-type { break-before: auto; }
/* paper cannot fold or click */
button.toggle-button, .toggle-hidden-label, .jjj-downloads, .headerlink, .copybtn, .cell_input .toggle,
details.hide > summary .toggle-details__summary-text, .jjj-figure-download { display: none !important; }
details.hide.above-input > summary, details.hide.below-input > summary { display: none !important; }
.cell.tag_hide-input > .cell_input, .cell.tag_remove-input > .cell_input { display: none !important; }
img { max-width: 100% !important; break-inside: avoid; }
figure, table, .jjj-verdict, .admonition { break-inside: avoid; }
.jjj-verdict > ul { display: block !important; }
a { color: inherit; text-decoration: none; }
/* the disclosure triangle of a folded line is a glyph no book font has (Chromium would fall back) */
summary { list-style: none; }
summary::-webkit-details-marker, summary::marker { display: none; content: ""; }
"""
STUDENT_CSS = """
.cell.tag_hide-cell { display: none !important; }   /* the reference solutions stay in the teacher's PDF */
"""
TEACHER_CSS = """
.cell.tag_hide-cell details > summary { display: none !important; }
"""


@dataclass(frozen=True)
class Pdf:
    edition: str
    path: Path
    pages: int
    size: int
    chapters: list[tuple[str, int]]   # (title, first page as printed in the footer)


def find_chromium() -> str | None:
    """$JJJ_CHROMIUM, else Debian's ``chromium`` on PATH, else None."""
    explicit = os.environ.get("JJJ_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() and os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _article(page_html: str, source: Path) -> str:
    found = ARTICLE.search(page_html)
    if not found:
        raise ValueError(f"{source}: no <article class=\"bd-article\"> in the built page")
    return found.group(1)


def print_page(root: Path, html_dir: Path, edition: str) -> Path:
    """Write the one-page print edition of the book into ``html_dir/chapters``; return its path."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}")
    pages = book.pages(root)
    built = [html_dir / f"{page.file}.html" for page in pages]
    missing = [str(p) for p in built if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"the book is not built (missing {', '.join(missing[:3])}); run `jjj-book build` first")
    folders = {p.parent for p in built}
    if len(folders) != 1:
        raise ValueError("every page must sit in one folder for the print edition's relative links")
    head = HEAD.search(built[0].read_text(encoding="utf-8")).group(1)
    head = re.sub(r"<script\b.*?</script>", "", head, flags=re.S)      # nothing runs in print
    bodies = [f'<section class="jjj-print-page" id="print-{page.stem}">{_article(p.read_text(encoding="utf-8"), p)}</section>'
              for page, p in zip(pages, built)]
    # an empty anchor before a heading (a MyST label) doubles the heading's name in Chromium's PDF outline
    bodies = [EMPTY_ANCHOR.sub("", body) for body in bodies]
    if edition == "teacher":   # paper cannot unfold: the reference solutions are printed open
        bodies = [SOLUTION.sub(r"\1 open>", body) for body in bodies]
    css = PRINT_CSS + (STUDENT_CSS if edition == "student" else TEACHER_CSS)
    document = (f"<!DOCTYPE html><html lang=\"zh-CN\"><head>{head}<style>{css}</style></head>"
                f"<body class=\"jjj-print\">{''.join(bodies)}</body></html>")
    target = folders.pop() / PRINT_NAME
    target.write_text(document, encoding="utf-8")
    return target


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the build's output stays readable
        pass


def _serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


FOOTER = ('<div style="width:100%;font-size:9px;color:#555;text-align:center;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def _chromium_print(url: str, target: Path, chromium: str, numbered: bool = True) -> None:
    """Print one page to PDF. Playwright's sync API runs in a thread of its own, so printing works
    from a process that already drives a browser or runs an event loop (a test session)."""
    in_own_thread(lambda: _print_in_this_thread(url, target, chromium, numbered), "jjj-pdf")


def _print_in_this_thread(url: str, target: Path, chromium: str, numbered: bool) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as why:  # a user's environment without the PDF extra
        raise RuntimeError("printing the PDF needs the Python package 'playwright' "
                           "(pip install 'jjj-book[pdf]'; it drives the system's Chromium)") from why
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            page.evaluate("document.fonts.ready")
            page.pdf(path=str(target), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=numbered, header_template="<span></span>", footer_template=FOOTER,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()


def _clean(title: str) -> str:
    """Chromium names a heading that carries an explicit anchor twice ('发展现状发展现状'): once is enough."""
    half = len(title) // 2
    return title[:half] if len(title) % 2 == 0 and title[:half] == title[half:] else title


def _outline(pdf_path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every heading in the PDF Chromium printed, in order."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_path))
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, _clean(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _contents_html(title: str, starts: list[tuple[str, int]], head: str) -> str:
    rows = "".join(f"<li><span>{html.escape(t)}</span><span class=\"n\">{n}</span></li>" for t, n in starts)
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head>{head}<style>"
            "body{font-family:'JJJ Noto Sans SC',sans-serif;margin:0;padding:0}"
            "h1{font-size:22px;margin:0 0 18px}ol{list-style:none;padding:0;font-size:14px}"
            "li{display:flex;justify-content:space-between;border-bottom:1px dotted #999;padding:6px 0}"
            f"</style></head><body><h1>{html.escape(title)} · 目录</h1><ol>{rows}</ol></body></html>")


def make_pdf(root: Path, html_dir: Path, target: Path, edition: str = "student", title: str = "") -> Pdf:
    """Print the built book at ``html_dir`` to ``target`` (contents page + the book, outline kept)."""
    from pypdf import PdfReader, PdfWriter

    chromium = find_chromium()
    if not chromium:
        raise RuntimeError("printing the PDF needs Chromium (Debian: apt-get install chromium), "
                           "or set JJJ_CHROMIUM to its path")
    source = print_page(root, html_dir, edition)
    server, base = _serve(html_dir)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            body_pdf, toc_pdf = Path(tmp) / "body.pdf", Path(tmp) / "toc.pdf"
            _chromium_print(f"{base}/{source.relative_to(html_dir).as_posix()}", body_pdf, chromium)
            outline = _outline(body_pdf)
            starts = [(title, page + 1) for depth, title, page in outline if depth == 0]
            head = HEAD.search(source.read_text(encoding="utf-8")).group(1)
            toc_page = source.with_name("_print_contents.html")
            toc_page.write_text(_contents_html(title or "京津冀协同发展报告（2023）可复现版", starts, head),
                                encoding="utf-8")
            _chromium_print(f"{base}/{toc_page.relative_to(html_dir).as_posix()}", toc_pdf, chromium, numbered=False)
            writer = PdfWriter()
            writer.append(str(toc_pdf), import_outline=False)
            offset = len(writer.pages)
            writer.append(str(body_pdf), import_outline=False)
            parents: list = []
            for depth, heading, page in outline:            # the headings' outline, cleaned, after the contents
                parents = parents[:depth]
                parent = parents[-1] if parents else None
                parents.append(writer.add_outline_item(title=heading, page_number=page + offset, parent=parent))
            target.parent.mkdir(parents=True, exist_ok=True)
            partial_path = target.with_suffix(".pdf.part")
            with partial_path.open("wb") as handle:
                writer.write(handle)
            partial_path.replace(target)
            toc_page.unlink()
    finally:
        server.shutdown()
        server.server_close()
        source.unlink(missing_ok=True)
    pages = len(PdfReader(str(target)).pages)
    return Pdf(edition, target, pages, target.stat().st_size, starts)
