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
# Stored JSON (push payloads, audit details) is shown in the admin as stored, in
# <pre class="json">: its keys are the partner interface's identifiers (R20), data, not prose.
SKIPPED_CLASSES = {"json"}
# A token is a run of letters, digits and the joiners of codes, numbers and addresses.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@:/\-]*")
LETTERS = re.compile(r"[A-Za-z]")
DIGIT = re.compile(r"[0-9]")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._skipping_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
            return
        if tag == "pre" and SKIPPED_CLASSES & set((dict(attrs).get("class") or "").split()):
            self._skipping_pre = True
            self._skipping += 1
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
        if tag == "pre" and self._skipping_pre:
            self._skipping_pre = False
            self._skipping -= 1
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


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
