"""One-way layers: approvals and counterparties import nothing from the apps above them.

A higher app (supervision, credit, coordination, reporting) registers what a decision needs
in its AppConfig.ready() (approvals.decision_checks). An import inside a function counts the
same as one at the top: it is not a way around the rule. Migrations are history, not code,
and are left out (counterparties' first migration depends on approvals' by design).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ABOVE = {
    "approvals": {"supervision", "credit", "coordination", "reporting"},
    "counterparties": {
        "notifications",
        "approvals",
        "supervision",
        "credit",
        "coordination",
        "reporting",
    },
}


def _modules_imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _sources(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_an_app_imports_nothing_from_the_apps_above_it(app: str) -> None:
    sources = _sources(app)
    assert sources, f"no sources found for {app}"
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sources
        for line, module in _modules_imported(ast.parse(path.read_text(), str(path)))
        if module.split(".")[0] in ABOVE[app]
    ]
    assert upward == []


def test_the_check_sees_an_import_inside_a_function() -> None:
    tree = ast.parse("def f():\n    from credit.selectors import credit_notice\n")
    assert _modules_imported(tree) == [(2, "credit.selectors")]
