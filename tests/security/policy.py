"""What the site's Content-Security-Policy must say, and a scan of a page's HTML for what it
would block (inline scripts, styles and event handlers): shared by the header tests
(tests/security/test_csp.py) and the browser walk (tests/e2e/test_csp.py)."""

import re

# The site's policy, directive by directive (linzi_platform/settings.py).
SITE_POLICY: dict[str, set[str]] = {
    "default-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
# The API docs page alone adds Swagger UI's data: icons (linzi_platform/api_docs.py).
DOCS_POLICY: dict[str, set[str]] = {**SITE_POLICY, "img-src": {"'self'", "data:"}}

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_DATA_TYPES = ("application/json", "application/ld+json")
_CHECKS = {
    "inline <style>": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(
        r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I
    ),
}


def parse_policy(header: str) -> dict[str, set[str]]:
    policy = {}
    for part in header.split(";"):
        name, *values = part.split()
        policy[name] = set(values)
    return policy


def inline_code(html: str) -> list[str]:
    """What in `html` a policy without 'unsafe-inline' blocks, one line per finding."""
    found = []
    for match in _SCRIPT.finditer(html):
        attributes, body = match.groups()
        is_data = any(kind in attributes.lower() for kind in _DATA_TYPES)
        if body.strip() and not is_data:
            found.append(f"inline <script>: {body.strip()[:60]!r}")
    for what, pattern in _CHECKS.items():
        found += [f"{what}: {m.group()[:80]!r}" for m in pattern.finditer(html)]
    return found
