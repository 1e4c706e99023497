"""The JavaScript the platform ships from npm is what its vendor.json says: the files `make vendor` took from the
package, each with its sha256, the package's licence beside it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from deploy.vendor import MANIFEST, PACKAGES, ROOT


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_vendored_file_is_the_packages_as_recorded(package):
    directory = ROOT / package.directory
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["package"], manifest["version"]) == (package.name, package.version), "run make vendor"
    assert manifest["integrity"].startswith("sha512-") and manifest["license"]
    assert set(manifest["files"]) == set(package.files.values())
    for name, file in manifest["files"].items():
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == file["sha256"], name
    assert "LICENSE" in manifest["files"]
    assert sorted(p.name for p in directory.iterdir()) == sorted([*manifest["files"], MANIFEST])


def test_the_dashboard_serves_no_script_but_its_own_and_the_vendored_chart_library():
    static = ROOT / "services" / "dashboard" / "static"
    scripts = sorted(str(p.relative_to(static)) for p in static.rglob("*.js"))
    assert scripts == ["dashboard.js", "vendor/echarts/echarts.common.min.js"]
    assert not (static / "vendor" / "axe-core").exists(), "axe-core is the tests', not the users'"
    assert Path(ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").is_file()
