"""Find the Latin-letter words a person reads on a page (visible text and the attributes a
screen reader or a tooltip reads), leaving values such as licence numbers and credit codes."""

import re
from html.parser import HTMLParser

# Words a Chinese government page may show as they are.
ALLOWED_WORDS = frozenset(
    {
        "API", "Excel", "QR", "PDF", "OFD", "JPG", "JPEG", "PNG", "Word", "CSV", "JSON",
        "XLSX", "URL", "HTTP", "HTTPS", "Webhook", "ID", "Key", "Api", "MB", "KB", "GB",
        "HMAC", "SHA", "IP",
    }
)  # fmt: skip
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED_ELEMENTS = {"script", "style", "template", "noscript"}
# Not prose: <code> holds machine identifiers and values as a file or system writes them
# (the open-data page's field names and examples); an element marked with another language
# (lang="en") is a proper name in that language, e.g. a licence's name "CC BY 4.0".
VERBATIM_ELEMENTS = {"code"}
# Stored JSON (push payloads, audit details) is shown in the admin as stored, in
# <pre class="json">: its keys are the partner interface's identifiers (R20), data, not prose.
SKIPPED_CLASSES = {"json"}
# A token is a run of letters, digits and the joiners of codes, numbers and addresses.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@:/\-]*")
LETTERS = re.compile(r"[A-Za-z]")
DIGIT = re.compile(r"[0-9]")


VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0  # > 0 inside an element whose text is not read as prose

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            self._skip_depth += tag not in VOID_ELEMENTS
            return
        classes = set((dict(attrs).get("class") or "").split())
        if (
            tag in SKIPPED_ELEMENTS
            or tag in VERBATIM_ELEMENTS
            or (tag == "pre" and SKIPPED_CLASSES & classes)
            or _foreign(attrs)
        ):
            self._skip_depth = int(tag not in VOID_ELEMENTS)
            return
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)
            if (
                tag == "input"
                and name == "value"
                and dict(attrs).get("type")
                in {
                    "submit",
                    "button",
                }
            ):
                self.parts.append(value or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def _foreign(attrs: list[tuple[str, str | None]]) -> bool:
    lang = dict(attrs).get("lang")
    return bool(lang) and not lang.lower().startswith("zh")


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def latin_words(html: str) -> set[str]:
    """Latin-letter words on the page that are not values (no digit, no address) and not on
    the allow-list."""
    found = set()
    for token in TOKEN.findall(visible_text(html)):
        token = token.strip(".:/-_")
        if not LETTERS.search(token) or DIGIT.search(token) or "@" in token:
            continue
        if token.startswith(("http:", "https:", "/")) or "." in token:
            continue  # an address or a file name
        # "JPG/PNG": alternatives, each read on its own.
        for word in token.split("/"):
            if len(word) >= 2 and word not in ALLOWED_WORDS:
                found.add(word)
    return found


# Values a machine writes but a person should not read: Django's empty choice and ISO 8601
# timestamps (a local "2026-12-01 21:18" is what people read).
RAW_VALUES = re.compile(
    r"-{5,}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def raw_values(html: str) -> set[str]:
    """Empty-choice dashes and ISO timestamps a person would read on the page."""
    return set(RAW_VALUES.findall(visible_text(html)))
