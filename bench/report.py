"""The benchmark's table (Markdown, for CONTRIBUTING.md's "Build speed" section) and its notes."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
ORDER = ("a", "b", "b0", "c", "c0", "d", "e", "f", "t", "g")
LIMITS = {"c": 3.0, "e": 3.0, "f": 0.2, "t": 60.0, "g": 150.0}  # seconds (median)
TARGETS = {"a": "—", "b": "≤ 1.3 × (a) + (b0)", "b0": "—", "c": "≤ 3 s", "c0": "—",
           "d": "exactly the chapters that read the value", "e": "≤ 3 s", "f": "≤ 0.2 s", "t": "≤ 60 s",
           "g": "≤ 150 s"}
LABELS = {"a": "(a) every chapter with nbclient, one after another (floor)",
          "b": "(b) cold `jjj-book build` (no `_build`)",
          "b0": "(b0) Sphinx alone (chapter results kept, rest of `_build` removed)",
          "c": "(c) rebuild, nothing changed",
          "c0": "(c0) the same, Sphinx run anyway (`jupyter-book build`)",
          "d": "(d) rebuild after a one-value data change",
          "e": "(e) `jjj-book run` of one chapter",
          "f": "(f) load + validate the data package (in process)",
          "t": "(t) fast lane: `pytest -m \"not slow\"` (fresh copy)",
          "g": "(g) whole test suite, browser layer included (`pytest`, fresh copy)"}


def met(key: str, results: dict, checks: list[str]) -> str:
    r = results[key]
    if key in LIMITS:
        return "yes" if r["median"] <= LIMITS[key] else "**no**"
    if key == "b" and "a" in results and "b0" in results:
        return "yes" if r["median"] <= 1.3 * results["a"]["median"] + results["b0"]["median"] else "**no**"
    if key == "d":
        return "**no**" if any(c.startswith("(d) FAILED") for c in checks) else ("yes" if r.get("expected") else "?")
    return ""


def _row(key: str, results: dict, checks: list[str]) -> str:
    r = results[key]
    unit = (lambda v: f"{v * 1000:.0f} ms") if key == "f" else (lambda v: f"{v:.1f} s")
    load = f"{r['load_before'][0]}→{r['load_after'][0]}" if "load_before" in r else "?"
    return (f"| {LABELS[key]} | {unit(r['median'])} | {unit(r['min'])}–{unit(r['max'])} | {r['runs']} | {load} "
            f"| {TARGETS[key]} | {met(key, results, checks)} |")


def notes(results: dict) -> list[str]:
    lines = []
    if "a" in results and "b" in results:
        b0 = (f"; ((b) − (b0))/(a) = {(results['b']['median'] - results['b0']['median']) / results['a']['median']:.2f}"
              if "b0" in results else "")
        lines.append(f"- (b)/(a) = {results['b']['median'] / results['a']['median']:.2f}{b0}")
    if "a" in results and "d" in results:
        lines.append(f"- (d)/(a) = {results['d']['median'] / results['a']['median']:.2f}")
    if "a" in results:
        lines.append("- (a) per chapter: " + ", ".join(f"{k} {v:.1f} s" for k, v in results["a"]["chapters"].items()))
    if "d" in results:
        d = results["d"]
        lines.append(f"- (d) changed `{d['row']}`; read by {', '.join(d['expected']) or '?'}; "
                     f"executed again: {'; '.join(', '.join(r) or '—' for r in d['executed'])}")
    if "f" in results:
        lines.append(f"- (f) importing `jjj_book.data` (pandas) takes another {results['f']['import_seconds'] * 1000:.0f} ms")
    for key in ("t", "g"):
        if key in results:
            r = results[key]
            top = ", ".join(f"{test.split('::')[-1][:60]} {s:.1f} s" for s, _phase, test in r.get("slowest", [])[:5])
            files = ", ".join(f"{name.removeprefix('tests/')} {s:.0f} s" for name, s in r.get("by_file", {}).items())
            cpu = "/".join(f"{c:.0f}" for c in r.get("cpu_seconds", []))
            lines.append(f"- ({key}) {r['outcome']}; CPU time (user + system) {cpu or '?'} s; by file: {files or '—'}; "
                         f"slowest tests: {top or '—'}")
    return lines


def render(results: dict, checks: list[str], info: dict, chapters: list[Path]) -> str:
    lines = [f"Measured {datetime.now().strftime('%Y-%m-%d')} on {info['cpu']}, {info['cores']} cores, "
             f"{info.get('memory_gib', '?')} GiB, {info['system']}, Python {info['python']}; "
             f"load average before/after {info['load_before'][0]}/{info['load_after'][0]}; "
             f"{len(chapters)} chapters ({', '.join(p.stem for p in chapters)}).",
             "", "| what | median | range | runs | load (1 min) | target | met |", "|---|---:|---:|---:|---:|---|---|"]
    lines += [_row(key, results, checks) for key in ORDER if key in results]
    lines.append("")
    lines += notes(results)
    lines += [f"- {c}" for c in checks]
    return "\n".join(lines)


def update_table(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if MARK_START not in text or MARK_END not in text:
        sys.exit(f"{path} has no {MARK_START} … {MARK_END} section")
    head, rest = text.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    path.write_text(f"{head}{MARK_START}\n{table}\n{MARK_END}{tail}", encoding="utf-8")
