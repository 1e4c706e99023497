"""`make vendor`: the JavaScript the platform ships from npm, fetched with npm, checked and recorded.

Two packages, each copied into the repository with its licence and a `vendor.json` beside it naming the package,
its version, its licence, the registry's integrity of the tarball and the sha256 of every file taken from it:

* Apache ECharts (`services/dashboard/static/vendor/echarts/`): the dashboard's charts, served by the dashboard
  itself so that no page loads anything from another origin. The `common` build (bar, line and pie charts with
  the grid, legend and tooltip) is what the pages use.
* axe-core (`tests/vendor/axe-core/`): the accessibility checker the browser test injects into the dashboard's
  pages. Not served to users.

`python -m deploy.vendor` fetches the pinned versions again (a checkout can prove its files are the registry's);
`python -m deploy.vendor --upgrade` takes the registry's latest versions and pins them. services/dashboard/tests/
test_vendored.py holds the files to their recorded checksums without the network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "vendor.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    directory: str  # in the repository
    files: dict[str, str]  # in the package -> in the directory
    use: str


PACKAGES = [
    Package(name="echarts", version="6.1.0", directory="services/dashboard/static/vendor/echarts",
            files={"dist/echarts.common.min.js": "echarts.common.min.js", "LICENSE": "LICENSE",
                   "NOTICE": "NOTICE", "licenses/LICENSE-d3": "LICENSE-d3"},
            use="The dashboard's charts (bar charts with a table beside each), served by the dashboard itself."),
    Package(name="axe-core", version="4.14.1", directory="tests/vendor/axe-core",
            files={"axe.min.js": "axe.min.js", "LICENSE": "LICENSE",
                   "LICENSE-3RD-PARTY.txt": "LICENSE-3RD-PARTY.txt"},
            use="The accessibility checks of tests/test_dashboard_browser.py; not served to users."),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def npm(*args: str, cwd: Path) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def latest(name: str, work: Path) -> str:
    return json.loads(npm("view", name, "version", "--json", cwd=work))


def vendor(package: Package, work: Path) -> dict[str, object]:
    """Packs the version with npm (which checks the tarball against the registry's integrity), copies the files
    and writes the manifest."""
    packed = json.loads(npm("pack", f"{package.name}@{package.version}", "--json", cwd=work))[0]
    target = ROOT / package.directory
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tarfile.open(work / packed["filename"]) as tar:
        for inside, name in package.files.items():
            member = tar.extractfile(f"package/{inside}")
            if member is None:
                raise SystemExit(f"{package.name}@{package.version} has no {inside}")
            (target / name).write_bytes(member.read())
    license_name = json.loads(npm("view", f"{package.name}@{package.version}", "license", "--json", cwd=work))
    manifest = {
        "package": package.name, "version": package.version, "license": license_name,
        "registry": f"https://registry.npmjs.org/{package.name}/-/{packed['filename']}",
        "integrity": packed["integrity"], "use": package.use,
        "files": {name: {"from": inside, "sha256": sha256(target / name)} for inside, name in package.files.items()},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="take the registry's latest versions")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        for package in PACKAGES:
            if arguments.upgrade:
                package = Package(package.name, latest(package.name, work), package.directory, package.files,
                                  package.use)
            manifest = vendor(package, work)
            print(f"{manifest['package']} {manifest['version']} ({manifest['license']}) -> {package.directory}")
            for name, file in manifest["files"].items():  # type: ignore[attr-defined]
                print(f"  {name}  sha256 {file['sha256']}")
    if arguments.upgrade:
        print("Pin the new versions in deploy/vendor.py (PACKAGES) so the next `make vendor` keeps them.")


if __name__ == "__main__":
    main()
