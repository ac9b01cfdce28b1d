"""The toolkit checks itself before it certifies: an installed build whose files match its
RECORD may certify; a changed shipped profile, a changed check, a stray profile or a source
tree may not. The build is real: the wheel `pip install .` would make, installed into a folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import selfcheck
from conformance.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = (
    "import json; from conformance import selfcheck; print(json.dumps(selfcheck.build_problems()))"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--quiet", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = folder.glob("conformance-*.whl")
    target = folder / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def _problems(site: Path, cwd: Path) -> list[str]:
    """build_problems() as the installed build in ``site`` sees itself (dependencies from
    this environment, the checkout kept off the path)."""
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {PROBLEMS}"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_an_intact_installed_build_may_certify(installed: Path, tmp_path: Path) -> None:
    assert _problems(installed, tmp_path) == []


def test_a_changed_shipped_profile_or_check_may_not(installed: Path, tmp_path: Path) -> None:
    profile = installed / "conformance" / "profiledata" / "uwlr-2.2.yaml"
    check = installed / "conformance" / "checks" / "naw.py"
    originals = {p: p.read_bytes() for p in (profile, check)}
    try:
        profile.write_bytes(originals[profile].replace(b"smalle-set", b"smalle-sat", 1))
        check.write_bytes(originals[check] + b"\n# patched\n")
        (problem,) = _problems(installed, tmp_path)
        assert problem.startswith("2 installed file(s) changed since the build: ")
        assert "conformance/profiledata/uwlr-2.2.yaml" in problem
        assert "conformance/checks/naw.py" in problem
    finally:
        for path, data in originals.items():
            path.write_bytes(data)


def test_a_profile_dropped_into_the_build_may_not(installed: Path, tmp_path: Path) -> None:
    stray = installed / "conformance" / "profiledata" / "lenient.yaml"
    stray.write_text("id: lenient\n")
    try:
        assert _problems(installed, tmp_path) == [
            "profile file(s) not from the build: conformance/profiledata/lenient.yaml"
        ]
    finally:
        stray.unlink()


def test_only_a_shipped_profile_certifies(tmp_path: Path) -> None:
    assert selfcheck.profile_problems(load_profile("uwlr-2.2")) == []
    custom = tmp_path / "custom.yaml"
    custom.write_text(
        (ROOT / "profiles" / "nl-generic.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (problem,) = selfcheck.profile_problems(load_profile(str(custom)))
    assert problem == f"profile nl-generic is not a shipped profile ({custom})"


def test_third_party_check_plugins_are_named_and_stop_certification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin runs inside the engine and could drop a check: a certified verdict comes from
    the toolkit's own checks alone."""
    info = tmp_path / "laxplug-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: laxplug\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[conformance.checks]\nlax = laxplug_checks\n")
    assert selfcheck.plugin_problems() == []
    monkeypatch.syspath_prepend(str(tmp_path))
    assert selfcheck.plugin_problems() == ["third-party check plugins are installed: lax (laxplug)"]
