"""The PDF edition, printed from the built book by the system's Chromium."""

from __future__ import annotations

import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from conftest import ROOT
from jjj_book import book
from jjj_book.build import pdf

pypdf = pytest.importorskip("pypdf")


def _require_chromium():
    if pdf.find_chromium():
        return
    if __import__("os").environ.get("JJJ_E2E_REQUIRED"):
        pytest.fail("Chromium is required here (JJJ_E2E_REQUIRED) but was not found")
    pytest.skip("no Chromium on this machine")


def _fonts(reader) -> dict[str, bool]:
    """Every font the PDF uses: name → embedded (a Type 3 font is its own drawing, so embedded)."""
    found = {}
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "[type3]")).lstrip("/").split("+")[-1]
            descendant = font.get("/DescendantFonts")
            target = descendant[0].get_object() if descendant else font
            desc = target.get("/FontDescriptor")
            desc = desc.get_object() if desc else {}
            found[name] = font.get("/Subtype") == "/Type3" or any(k in desc for k in ("/FontFile", "/FontFile2",
                                                                                    "/FontFile3"))
    return found


def _images(reader) -> int:
    count = 0
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


@pytest.fixture(scope="module")
def printed(book_html, tmp_path_factory):
    """Both editions, printed at the same time (2 cores), each from its own copy of the HTML (the print page
    is written into the HTML folder); returns the PDFs and the HTML they were printed from."""
    _require_chromium()
    out = tmp_path_factory.mktemp("pdf")

    def make(edition):
        html = tmp_path_factory.mktemp(f"pdf-html-{edition}") / "html"
        shutil.copytree(book_html, html)                   # book_html is never modified
        return pdf.make_pdf(ROOT, html, out / f"{edition}.pdf", edition), html

    with ThreadPoolExecutor(max_workers=len(pdf.EDITIONS)) as pool:
        done = dict(zip(pdf.EDITIONS, pool.map(make, pdf.EDITIONS)))
    return {edition: made for edition, (made, _) in done.items()}, done["student"][1]


def _read(path) -> tuple[list[str], set[str]]:
    """One pass over every page of a PDF: each page's text, and what DejaVu Sans draws (see below)."""
    texts, drawn = [], set()
    for page in pypdf.PdfReader(str(path)).pages:
        def visit(text, cm, tm, font, size):
            name = str((font or {}).get("/BaseFont", "")).split("+")[-1]
            if name.startswith("DejaVuSans") and "Mono" not in name and text.strip():
                drawn.add("footer" if re.fullmatch(r"[\d/ ]+", text.strip()) else text)
        texts.append(page.extract_text(visitor_text=visit))
    return texts, drawn


@pytest.fixture(scope="module")
def read_back(printed):
    """Every page's text of both editions, extracted once for all tests (pypdf takes ~10 s an edition),
    the two editions in two processes."""
    made, _ = printed
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {edition: pool.submit(_read, made[edition].path) for edition in pdf.EDITIONS}
        return {edition: future.result() for edition, future in futures.items()}


@pytest.mark.slow
def test_the_outline_has_every_page_of_the_book_in_order(printed):
    made, html = printed
    titles = []
    for page in book.pages(ROOT):
        text = (html / f"{page.file}.html").read_text(encoding="utf-8")
        h1 = re.search(r'<h1[^>]*>([^<]*)<a class="headerlink"', text)    # the article's heading, not the theme's
        titles.append(h1.group(1).strip())
    reader = pypdf.PdfReader(str(made["student"].path))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == titles
    pages = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    assert pages == sorted(pages) and pages[0] >= 1          # the contents page comes first
    assert [t for t, _ in made["student"].chapters] == titles


@pytest.mark.slow
def test_chinese_is_set_in_the_bundled_font_embedded_and_nothing_falls_back(printed, read_back):
    made, _ = printed
    fonts = _fonts(pypdf.PdfReader(str(made["student"].path)))
    assert any(name.startswith("NotoSansSC-Regular") for name in fonts)
    assert all(fonts.values()), [n for n, embedded in fonts.items() if not embedded]
    # DejaVu Sans is the system's default and Chromium's last resort for glyphs no stylesheet font has
    # (e.g. ✔): only the page-number footer ("12 / 148", outside the page's stylesheet) may use it
    texts, drawn_by_dejavu = read_back["student"]
    assert drawn_by_dejavu <= {"footer"}
    text = texts[1]
    assert "\ufffd" not in text and re.search(r"[\u4e00-\u9fff]", text)


@pytest.mark.slow
def test_every_chart_appears_and_the_students_edition_has_no_solutions(printed, read_back):
    made, html = printed
    shown = 0
    for page in book.pages(ROOT):
        text = (html / f"{page.file}.html").read_text(encoding="utf-8")
        text = re.sub(r'<div class="jjj-variant"[^>]*\shidden>.*?</div>', "", text, flags=re.S)   # other vintages
        shown += len(re.findall(r'<img[^>]+src="[^"]*_images/[^"]+\.png"', text))
        shown += len(re.findall(r'<img[^>]+src="data:image/png', text))
    assert shown > 10
    assert _images(pypdf.PdfReader(str(made["student"].path))) >= shown
    solution = "参考答案"
    in_student = sum(solution in text for text in read_back["student"][0])
    in_teacher = sum(solution in text for text in read_back["teacher"][0])
    assert in_teacher > in_student
