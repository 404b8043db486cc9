"""The build backend of the dscflow package (PEP 517, in-tree): builds a wheel that bundles libdscflow.so
and the Swift runtime it needs, so `pip install` gives a package that imports with no environment
variables and no installed library.

Where the library comes from: `-C lib-dir=DIR` (pip wheel/install --config-settings), else
$DSCFLOW_LIB_DIR, else the project's own staging directory `build/lib` (what `make lib` writes), each
holding libdscflow.so.0 and dscflow/ (the Swift runtime; libdscflow's RUNPATH is $ORIGIN/dscflow). The
wheel keeps that layout under dscflow/_lib/ and is tagged for this platform. Without any of them it
builds a pure-Python wheel that loads an installed libdscflow (pkg-config, then the loader's path), and
says so on stderr.

Nothing is written into the source tree (no build/, no *.egg-info): the wheel is assembled in memory.
No build dependencies either (standard library only).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import sys
import sysconfig
import zipfile
from typing import Dict, List, Mapping, Optional, Tuple

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT_LIB = os.path.join(HERE, "..", "..", "build", "lib")


def _project() -> Dict[str, object]:
    """[project] of pyproject.toml (tomllib on Python >= 3.11; a reader of this file's simple syntax before)."""
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        data = f.read()
    try:
        import tomllib
        return dict(tomllib.loads(data.decode())["project"])
    except ImportError:
        section = data.decode().split("[project]", 1)[1].split("\n[", 1)[0]
        project: Dict[str, object] = {}
        for key, value in re.findall(r'^([\w-]+)\s*=\s*(.+)$', section, re.M):
            project[key] = re.findall(r'"([^"]*)"', value) if value.startswith("[") else value.strip().strip('"')
        return project


def _library_dir(config_settings: Optional[Mapping[str, object]]) -> Optional[str]:
    given = (config_settings or {}).get("lib-dir") or os.environ.get("DSCFLOW_LIB_DIR")
    if given:
        path = os.path.abspath(str(given))
        if not os.path.exists(os.path.join(path, "libdscflow.so.0")):
            raise RuntimeError(f"lib-dir {path} holds no libdscflow.so.0 (run `make lib` and give its build/lib)")
        return path
    if os.path.exists(os.path.join(PROJECT_LIB, "libdscflow.so.0")):
        return os.path.abspath(PROJECT_LIB)
    return None


def _files(lib_dir: Optional[str]) -> List[Tuple[str, str]]:
    """(path in the wheel, file on disk) for the package and the bundled libraries."""
    files = []
    package = os.path.join(HERE, "dscflow")
    for name in sorted(os.listdir(package)):
        if name.endswith(".py") or name == "py.typed":
            files.append((f"dscflow/{name}", os.path.join(package, name)))
    if lib_dir:
        files.append(("dscflow/_lib/libdscflow.so.0", os.path.realpath(os.path.join(lib_dir, "libdscflow.so.0"))))
        runtime = os.path.join(lib_dir, "dscflow")
        for name in sorted(os.listdir(runtime)) if os.path.isdir(runtime) else []:
            files.append((f"dscflow/_lib/dscflow/{name}", os.path.realpath(os.path.join(runtime, name))))
    return files


def _metadata(project: Mapping[str, object]) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {project['version']}",
             f"Summary: {project.get('description', '')}", f"Requires-Python: {project.get('requires-python', '')}"]
    dependencies = project.get("dependencies", [])
    lines += [f"Requires-Dist: {d}" for d in (dependencies if isinstance(dependencies, list) else [])]
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            lines += ["Description-Content-Type: text/markdown", "", f.read()]
    return "\n".join(lines) + "\n"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(wheel_directory: str, config_settings: Optional[Mapping[str, object]] = None,
                metadata_directory: Optional[str] = None) -> str:
    """PEP 517: writes the wheel into `wheel_directory` and returns its file name."""
    project = _project()
    name, version = str(project["name"]), str(project["version"])
    lib_dir = _library_dir(config_settings)
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    tag = f"py3-none-{platform}" if lib_dir else "py3-none-any"
    if not lib_dir:
        print("dscflow wheel: no staged libdscflow (run `make lib`, or give -C lib-dir=DIR): building a pure "
              "wheel that loads an installed libdscflow", file=sys.stderr)
    dist_info = f"{name}-{version}.dist-info"
    entries: List[Tuple[str, bytes, int]] = []
    for arcname, path in _files(lib_dir):
        with open(path, "rb") as f:
            entries.append((arcname, f.read(), 0o755 if arcname.endswith(".so") or ".so." in arcname else 0o644))
    entries.append((f"{dist_info}/METADATA", _metadata(project).encode(), 0o644))
    wheel = (f"Wheel-Version: 1.0\nGenerator: dscflow_wheel\nRoot-Is-Purelib: {'false' if lib_dir else 'true'}\n"
             f"Tag: {tag}\n")
    entries.append((f"{dist_info}/WHEEL", wheel.encode(), 0o644))
    entries.append((f"{dist_info}/top_level.txt", b"dscflow\n", 0o644))
    record = "".join(f"{a},{_record_hash(d)},{len(d)}\n" for a, d, _ in entries) + f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode(), 0o644))
    filename = f"{name}-{version}-{tag}.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for arcname, data, mode in entries:
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    os.makedirs(wheel_directory, exist_ok=True)
    with open(os.path.join(wheel_directory, filename), "wb") as f:
        f.write(buffer.getvalue())
    return filename


def get_requires_for_build_wheel(config_settings: Optional[Mapping[str, object]] = None) -> List[str]:
    """PEP 517: nothing beyond the standard library."""
    return []
