#!/usr/bin/env python3
"""Regenerate the book's Simplified-Chinese font subsets (Noto Sans SC).

The charts (matplotlib) and the HTML book must show Chinese on a machine
with no CJK font, offline, so the repo ships a small subset of Noto Sans SC
(SIL Open Font License 1.1):

  src/jjj_book/fonts/NotoSansSC-{Regular,Bold}.subset.ttf  (.otf for a CFF source)
  _static/fonts/NotoSansSC-{Regular,Bold}.subset.woff2      (same subset, for @font-face)
  src/jjj_book/fonts/OFL.txt and _static/fonts/OFL.txt      (licence copied from the source package)

Kept characters: everything encodable in GB2312, ASCII, Latin-1 Supplement
(U+00A0-U+00FF), general punctuation U+2000-U+206F, CJK symbols and punctuation
U+3000-U+303F, halfwidth/fullwidth forms U+FF00-U+FFEF, plus every character
found in the text files under the scanned folders (default: this repo and,
if present, ../shared/report beside it). Hinting is dropped; the OpenType
layout features FEATURES (vertical forms, CJK punctuation spacing, width
variants, kerning, ligatures) are kept, and so are glyph names where the
source has them (the Google Fonts TTFs have none: post table format 3).

The source fonts are NOT downloaded here. Get them from the npm package
@expo-google-fonts/noto-sans-sc (0.4.3 was used), e.g.
  npm pack @expo-google-fonts/noto-sans-sc@0.4.3 && tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz
  python tools/make_font_subset.py package/400Regular/NotoSansSC_400Regular.ttf \
      package/700Bold/NotoSansSC_700Bold.ttf --license package/LICENSE_FONT
Needs: pip install fonttools brotli. Output is byte-for-byte reproducible
for the same inputs and the same fontTools/brotli versions.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
TTF_DIR = ROOT / "src" / "jjj_book" / "fonts"
WOFF2_DIR = ROOT / "_static" / "fonts"
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
SKIP_DIRS = {"_build", "node_modules", "venv", "__pycache__"}  # and every folder named .*
# halt/palt/vhal/vpal: CJK punctuation spacing; vert/vrt2: vertical forms; fwid/hwid/pwid:
# width variants. Dropped: aalt, dlig, hist, ruby (they only add ~400 alternate glyphs).
FEATURES = ["ccmp", "locl", "liga", "kern", "mark", "mkmk", "vert", "vrt2", "vkrn",
            "halt", "palt", "vhal", "vpal", "fwid", "hwid", "pwid"]
MAX_FILE = 20 * 2**20  # ignore larger files when scanning


def gb2312_chars():
    """Every character with a two-byte GB2312 (EUC-CN) code."""
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.update(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def text_chars(folder):
    """Characters in the UTF-8 text files under folder (binary files are skipped)."""
    out = set()
    for path in sorted(folder.rglob("*")):
        dirs = path.relative_to(folder).parts[:-1]
        if any(d.startswith(".") or d in SKIP_DIRS for d in dirs) or not path.is_file():
            continue
        if path.stat().st_size > MAX_FILE:
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        if path.suffix in (".ipynb", ".json"):  # catch \uXXXX escapes too
            try:
                text += json.dumps(json.loads(text), ensure_ascii=False)
            except ValueError:
                pass
        out.update(c for c in text if ord(c) >= 0x20 and c not in "\x7f\ufeff")
    return out


def wanted_chars(scan_dirs):
    chars = gb2312_chars()
    for lo, hi in RANGES:
        chars.update(map(chr, range(lo, hi + 1)))
    for d in scan_dirs:
        chars |= text_chars(d)
    return chars


def make_subset(src, chars):
    opts = subset.Options()
    opts.layout_features = FEATURES
    opts.glyph_names = True
    opts.hinting = False           # drop TrueType instructions / CFF hints
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["STAT"]   # describes the full variable family; not needed
    font = subset.load_font(str(src), opts, dontLoadGlyphNames=False)
    font.recalcTimestamp = False   # keep the source's head.modified: reproducible bytes
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars if ord(c) in cmap])
    sub.subset(font)
    return font, missing


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("regular", type=Path, help="Noto Sans SC Regular (.ttf or .otf, not .ttc)")
    ap.add_argument("bold", type=Path, help="Noto Sans SC Bold (.ttf or .otf, not .ttc)")
    ap.add_argument("--license", type=Path, required=True, help="the OFL text shipped with the fonts")
    ap.add_argument("--scan", type=Path, action="append",
                    help="folder whose text files' characters are added (repeatable; "
                         "default: the repo and ../shared/report if present)")
    a = ap.parse_args(argv)
    scan = a.scan or [ROOT] + [p for p in [ROOT.parent / "shared" / "report"] if p.is_dir()]
    chars = wanted_chars(scan)
    TTF_DIR.mkdir(parents=True, exist_ok=True)
    WOFF2_DIR.mkdir(parents=True, exist_ok=True)
    for style, src in (("Regular", a.regular), ("Bold", a.bold)):
        if src.suffix.lower() in (".ttc", ".otc"):
            sys.exit(f"{src}: collections are not accepted (their first face may be Japanese)")
        ext = ".otf" if "CFF " in TTFont(str(src), lazy=True) else ".ttf"
        font, missing = make_subset(src, chars)
        out = TTF_DIR / f"NotoSansSC-{style}.subset{ext}"
        font.save(str(out))
        web = TTFont(str(out), recalcTimestamp=False)  # same subset, WOFF2-compressed
        web.flavor = "woff2"
        web.save(str(WOFF2_DIR / f"NotoSansSC-{style}.subset.woff2"))
        for path in (out, WOFF2_DIR / f"NotoSansSC-{style}.subset.woff2"):
            print(f"{path.relative_to(ROOT)}: {len(font.getGlyphOrder())} glyphs, "
                  f"{path.stat().st_size:,} bytes")
        cjk_missing = [c for c in missing if ord(c) > 0xFF and not 0x2000 <= ord(c) <= 0x206F
                       and not 0xFF00 <= ord(c) <= 0xFFEF and not 0x3000 <= ord(c) <= 0x303F]
        if cjk_missing:
            print(f"  not in the source font ({len(cjk_missing)}): {''.join(cjk_missing)}",
                  file=sys.stderr)
    for d in (TTF_DIR, WOFF2_DIR):
        shutil.copyfile(a.license, d / "OFL.txt")
    print(f"{len(chars)} characters requested; scanned: {', '.join(map(str, scan))}")


if __name__ == "__main__":
    main()
