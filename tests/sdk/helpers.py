"""Generate the Python client a partner makes from the served schema, and install it in a
throwaway virtualenv, with nothing downloaded."""

import base64
import hashlib
import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

from packaging.utils import canonicalize_name

BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"
PARTNER_FLOW = Path(__file__).resolve().parent / "partner_flow.py"


def generate_client(schema_url: str, into: Path) -> tuple[Path, str]:
    """`openapi-python-client generate --url SCHEMA_URL` as a partner runs it, with no config,
    in `into`: the generated project's folder and what the generator printed. Its post-hooks
    (ruff) come from this virtualenv."""
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(GENERATOR), "generate", "--url", schema_url],
        cwd=into,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    projects = [path for path in into.iterdir() if (path / "pyproject.toml").is_file()]
    assert len(projects) == 1, output
    return projects[0], output


def project_metadata(project: Path) -> dict:
    """The generated project's name, version, packages and dependencies (its pyproject.toml,
    [tool.poetry] as openapi-python-client writes it by default)."""
    poetry = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "poetry"
    ]
    return {
        "name": poetry["name"],
        "version": poetry["version"],
        "packages": [entry["include"] for entry in poetry["packages"]],
        "requires": [
            f"{name} {spec}" for name, spec in poetry["dependencies"].items() if name != "python"
        ],
    }


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(project: Path, into: Path) -> Path:
    """A pure-Python wheel of the generated project from its own metadata. The project's
    build backend (poetry-core) is not in this virtualenv and pip must not download it; a
    wheel is what that backend would make, and pip checks its name as it installs it."""
    meta = project_metadata(project)
    # A distribution name must be ASCII letters, digits and . _ - (PEP 508), or pip refuses it.
    canonical = canonicalize_name(meta["name"], validate=True)
    stem = f"{canonical.replace('-', '_')}-{meta['version']}"
    dist_info = f"{stem}.dist-info"
    files: dict[str, bytes] = {}
    for package in meta["packages"]:
        for path in sorted((project / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(project).as_posix()] = path.read_bytes()
    requires = "".join(f"Requires-Dist: {line}\n" for line in meta["requires"])
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n{requires}"
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: tests.sdk.helpers\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    record = [_record_line(name, data) for name, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = into / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


def throwaway_venv(at: Path) -> Path:
    """A new virtualenv whose own packages are its own, that also sees this one's (httpx,
    attrs: the client's dependencies) through a .pth file: nothing to download. Its python."""
    venv.EnvBuilder(with_pip=False).create(at)
    python = at / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    shared = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "shared-test-packages.pth").write_text(shared + "\n", encoding="utf-8")
    return python


def pip_install(python: Path, wheel: Path) -> str:
    """pip installs the wheel into the virtualenv of `python`, offline."""
    offline = ["--no-deps", "--no-index", "--no-build-isolation", "--disable-pip-version-check"]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", *offline, str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def run_partner_flow(python: Path, cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), str(PARTNER_FLOW), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
