"""A translation that drops or renames a %(placeholder)s crashes at run time (KeyError):
in the deemed-consent sweep that would stop R16 for everybody. Check the coordination
messages of every catalogue keep their placeholders."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
OURS = ("coordination/", "templates/coordination/")


def _strings(lines: list[str], keyword: str) -> str:
    text, inside = [], False
    for line in lines:
        if line.startswith(keyword + " "):
            inside = True
            line = line[len(keyword) + 1 :]
        elif not line.startswith('"'):
            inside = False
        if inside and line.startswith('"'):
            text.append(line[1:-1])
    return "".join(text)


def coordination_entries(po: Path) -> list[tuple[str, str]]:
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        references = " ".join(line for line in lines if line.startswith("#:"))
        if "fuzzy" in " ".join(line for line in lines if line.startswith("#,")):
            continue
        if not any(f" {prefix}" in references for prefix in OURS):
            continue
        lines = [line for line in lines if not line.startswith("#")]
        entries.append((_strings(lines, "msgid"), _strings(lines, "msgstr")))
    return entries


@pytest.mark.parametrize("po", sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po")), ids=str)
def test_coordination_translations_keep_their_placeholders(po: Path):
    broken = [
        (msgid, msgstr)
        for msgid, msgstr in coordination_entries(po)
        if msgstr and set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr))
    ]
    assert broken == []
