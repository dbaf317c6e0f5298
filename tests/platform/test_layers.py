"""The apps stay in their layers (docs/architecture.md): import-linter's contracts in
pyproject.toml, imports inside functions included, hold for the code as it is."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports is not None, "import-linter is a dev dependency (pyproject.toml)"
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.split("Contracts:")[-1].lower().replace("0 broken", "")


def test_no_module_is_longer_than_600_lines() -> None:
    """A module past 600 lines holds more than one subdomain (docs/architecture.md):
    migrations and tests aside, every module of the product stays under that."""
    long = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "var", "node_modules"} or "migrations" in parts:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 600:
            long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert not long, long
