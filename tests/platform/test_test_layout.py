"""The tests follow the code's layout: fixtures live in conftest.py files (or a plugin module
registered by tests/conftest.py), plain helpers in helpers modules and factories. Nothing imports
from a conftest.py: pytest loads those itself, and importing one a second time as a module
gives two copies of its fixtures and hides where a helper comes from."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent


def _test_modules() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "node_modules" not in path.parts)


def _is_conftest(module: str) -> bool:
    return module.split(".")[-1] == "conftest"


def conftest_imports(path: Path) -> list[str]:
    """Each import of a conftest module in `path`, as `line: statement`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(_is_conftest(name) for name in names):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from tests.credit.conftest import at",
        "from tests.conftest import service_missing",
        "from .conftest import pdf",
        "from . import conftest",
        "import tests.reliability.conftest",
        "def f():\n    from tests.credit.conftest import CATALOG_TERMS",
    ],
)
def test_the_check_sees_every_way_of_importing_a_conftest(tmp_path: Path, source: str):
    module = tmp_path / "test_module.py"
    module.write_text(source, encoding="utf-8")
    assert conftest_imports(module)


def test_the_check_lets_helpers_and_factories_through(tmp_path: Path):
    module = tmp_path / "test_module.py"
    module.write_text(
        "from tests.helpers import at, pdf\nfrom tests.factories import StaffFactory\n"
        "import tests.credit.helpers\nfrom . import fixtures\n",
        encoding="utf-8",
    )
    assert conftest_imports(module) == []


def test_no_test_module_imports_from_a_conftest():
    modules = _test_modules()
    assert len(modules) > 100  # the walk found the suite
    offenders = {
        str(path.relative_to(TESTS.parent)): found
        for path in modules
        if (found := conftest_imports(path))
    }
    assert offenders == {}, (
        "import helpers from a helpers module (tests/helpers.py, tests/<app>/helpers.py), "
        "never from a conftest.py; share fixtures through a common conftest.py or a plugin "
        f"module in tests/conftest.py's pytest_plugins: {offenders}"
    )
