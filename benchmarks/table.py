"""The benchmark's figures as one table: printed by `manage.py bench` and written, in
Markdown, to docs/performance.md."""

from __future__ import annotations

from pathlib import Path

from .figures import Figure

HEADER = ("figure", "ours", "reference", "ratio", "target", "pass/fail")


def table_rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    return [
        (
            f"{f.key} {f.name}",
            f.ours,
            f.reference,
            "-" if f.ratio is None else f"{f.ratio:.2f}",
            f.target,
            "PASS" if f.passed else "FAIL",
        )
        for f in figures
    ]


def text_table(figures: list[Figure]) -> str:
    rows = [HEADER, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f.key}: {f.note}" for f in figures if f.note]
    return "\n".join([*lines, "", "notes:", *notes])


def markdown_table(figures: list[Figure], *, header: str) -> str:
    rows = table_rows(figures)
    lines = [
        header,
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _h in HEADER) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        *(f"- {f.key}: {f.note}" for f in figures if f.note),
        "",
    ]
    return "\n".join(lines)


def write_markdown(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
