"""The CI templates a supplier copies (templates/, docs/ci.md) and this repository's pre-commit
hook manifest: each parses, is valid against the schema its CI publishes where a package ships
one, and does what docs/ci.md says — certify into conformance-reports/, then publish that bundle
whatever the verdict. The pre-commit hook is also installed and run the way a supplier's
pre-commit does it."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import BUNDLE, build_parser

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
DOC = ROOT / "docs" / "ci.md"
FIXTURES = ROOT / "fixtures"

REPORTS = "conformance-reports"  # certify's default --output (asserted below)
TOOLKIT_VARIABLE = "CONFORMANCE_TOOLKIT"  # the placeholder for where the toolkit comes from
TEMPLATE_FILES = ("github-actions.yml", "gitlab-ci.yml", "tox.ini", "noxfile.py")


class _Yaml12(yaml.SafeLoader):
    """YAML as GitHub and GitLab read it: only true and false are booleans. (PyYAML follows
    YAML 1.1, where on/off/yes/no are booleans too: a workflow's `on:` would load as True.)"""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12)  # noqa: S506 (safe)


# --- what every template shares ----------------------------------------------------------------


def test_the_templates_use_certify_s_own_folder_and_file_names() -> None:
    assert build_parser().parse_args(["certify"]).output == Path(REPORTS)
    assert {"report.json", "report.junit.xml", "report.sarif", "summary.md"} <= set(BUNDLE)


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_yaml_templates_load(name: str) -> None:
    assert isinstance(yaml.safe_load((TEMPLATES / name).read_text(encoding="utf-8")), dict)


def test_the_hook_manifest_loads() -> None:
    assert isinstance(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")), list)


@pytest.mark.parametrize("name", [*TEMPLATE_FILES, "../.pre-commit-hooks.yaml"])
def test_no_template_names_a_source_the_project_does_not_have(name: str) -> None:
    """The project has no public URL, and on PyPI the name "conformance" is an unrelated
    project: a template installs the toolkit only from the supplier's CONFORMANCE_TOOLKIT."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert "://" not in text
    bare = re.compile(
        r"pip install (-\S+ )*[\"']?conformance\b(?![-\w.])|install\(\s*[\"']conformance[\"']"
        r"|^deps\s*=\s*conformance\b",
        re.MULTILINE,
    )
    assert not bare.search(text), bare.search(text)


def test_the_guide_points_to_every_template() -> None:
    guide = DOC.read_text(encoding="utf-8")
    for name in TEMPLATE_FILES:
        assert (TEMPLATES / name).is_file()
        assert f"templates/{name}" in guide, name
    assert ".pre-commit-hooks.yaml" in guide


# --- schemas: check-jsonschema vendors the schemastore and GitLab schemas ----------------------


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip(
        "check_jsonschema", reason="check-jsonschema (the test extra) ships the CI schemas"
    )
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


SCHEMAS = {
    "github-actions.yml": "vendor.github-workflows",
    "gitlab-ci.yml": "vendor.gitlab-ci",
}


@pytest.mark.parametrize(("name", "schema"), SCHEMAS.items())
def test_the_ci_templates_are_valid_against_their_published_schema(name: str, schema: str) -> None:
    run = _check_jsonschema(schema, TEMPLATES / name)
    assert run.returncode == 0, run.stdout + run.stderr


def _break_workflow(workflow: dict[str, Any]) -> None:
    del workflow["jobs"]["conformance"]["runs-on"]


def _break_gitlab_job(pipeline: dict[str, Any]) -> None:
    pipeline["conformance"]["artifacts"]["when"] = "sometimes"


@pytest.mark.parametrize(
    ("name", "breakage"),
    [("github-actions.yml", _break_workflow), ("gitlab-ci.yml", _break_gitlab_job)],
)
def test_the_schema_check_catches_a_broken_template(name: str, breakage, tmp_path: Path) -> None:
    document = _load(TEMPLATES / name)
    breakage(document)
    broken = tmp_path / name
    broken.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    run = _check_jsonschema(SCHEMAS[name], broken)
    assert run.returncode == 1, run.stdout + run.stderr


# --- GitHub Actions ----------------------------------------------------------------------------


def _github_steps() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    workflow = _load(TEMPLATES / "github-actions.yml")
    assert list(workflow["jobs"]) == ["conformance"]
    return workflow, workflow["jobs"]["conformance"]["steps"]


def test_github_actions_certifies_with_the_secrets_and_least_permissions() -> None:
    workflow, steps = _github_steps()
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["jobs"]["conformance"]["runs-on"] == "ubuntu-latest"
    assert steps[0] == {"uses": "actions/checkout@v4"}
    assert steps[1] == {"uses": "actions/setup-python@v5", "with": {"python-version": "3.11"}}
    assert steps[2]["run"] == "python -m pip install nox"
    certify = steps[3]
    assert certify["run"] == "nox -s conformance"
    assert certify["env"] == {
        TOOLKIT_VARIABLE: "${{ vars.CONFORMANCE_TOOLKIT }}",
        "PROBE_SCHOOL_A": "${{ secrets.PROBE_SCHOOL_A }}",
        "PROBE_SCHOOL_B": "${{ secrets.PROBE_SCHOOL_B }}",
    }
    assert "if" not in certify and "continue-on-error" not in certify  # a failure fails the job


def test_github_actions_publishes_the_bundle_whatever_the_verdict() -> None:
    _, steps = _github_steps()
    certify = next(i for i, step in enumerate(steps) if step.get("run") == "nox -s conformance")
    after = steps[certify + 1 :]
    assert len(after) == 3
    assert all(step["if"].startswith("always()") for step in after), after

    sarif, summary, artifact = after
    assert sarif["uses"] == "github/codeql-action/upload-sarif@v3"
    assert sarif["with"] == {"sarif_file": f"{REPORTS}/report.sarif", "category": "conformance"}
    # always(), and only when certify wrote one (an exit 2 writes nothing)
    assert sarif["if"] == f"always() && hashFiles('{REPORTS}/report.sarif') != ''"

    assert summary["if"] == "always()"
    assert f'cat {REPORTS}/summary.md >> "$GITHUB_STEP_SUMMARY"' in summary["run"]

    assert artifact["if"] == "always()"
    assert artifact["uses"] == "actions/upload-artifact@v4"
    assert artifact["with"]["name"] == "conformance-reports"
    assert artifact["with"]["path"] == f"{REPORTS}/"


BASH = shutil.which("bash")
GIT = shutil.which("git")


@pytest.mark.skipif(BASH is None, reason="the step's script is bash")
@pytest.mark.parametrize("written", [True, False])
def test_github_actions_summary_step_appends_summary_md(written: bool, tmp_path: Path) -> None:
    _, steps = _github_steps()
    script = next(step["run"] for step in steps if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    page = tmp_path / "step-summary.md"
    page.write_text("earlier step\n", encoding="utf-8")
    if written:
        (tmp_path / REPORTS).mkdir()
        (tmp_path / REPORTS / "summary.md").write_text("## Conformant\n", encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "GITHUB_STEP_SUMMARY": str(page)}
    # GitHub runs a `run:` step as `bash -e {0}`
    run = subprocess.run(
        [str(BASH), "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    assert run.returncode == 0, run.stderr
    expected = "## Conformant\n" if written else "No report was written"
    assert page.read_text(encoding="utf-8").startswith("earlier step\n" + expected)


# --- GitLab CI ---------------------------------------------------------------------------------


def test_gitlab_ci_keeps_the_bundle_and_the_junit_report_always() -> None:
    pipeline = _load(TEMPLATES / "gitlab-ci.yml")
    assert list(pipeline) == ["conformance"]
    job = pipeline["conformance"]
    assert job["image"] == "python:3.11"
    assert job["script"] == ["python -m pip install nox", "nox -s conformance"]
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["paths"] == [f"{REPORTS}/"]
    assert artifacts["reports"] == {"junit": f"{REPORTS}/report.junit.xml"}
    # GitLab's own rules for expose_as, which the JSON Schema does not carry: a label of
    # letters, digits, '-', '_' and spaces; paths without '*'; a folder with its trailing slash.
    assert artifacts["expose_as"] == "Conformance report"
    assert re.fullmatch(r"\w[-\w ]*", artifacts["expose_as"]) and len(artifacts["expose_as"]) <= 100
    assert all("*" not in path and "$" not in path for path in artifacts["paths"])


# --- tox ---------------------------------------------------------------------------------------


def _tox_env() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)  # tox substitutes {…} itself
    parser.read(TEMPLATES / "tox.ini", encoding="utf-8")
    assert parser.sections() == ["testenv:conformance"]
    return parser["testenv:conformance"]


def test_tox_env_certifies_into_the_project_s_reports_folder() -> None:
    env = _tox_env()
    assert env["commands"] == f"conformance certify --output {{toxinidir}}/{REPORTS} {{posargs}}"
    assert env["deps"] == "{env:CONFORMANCE_TOOLKIT}"
    assert env["passenv"].split() == ["PROBE_*", "CONFORMANCE_DATABASE_PASSWORD"]
    assert env.getboolean("skip_install") is True


def test_tox_reads_the_env_as_written(tmp_path: Path) -> None:
    """tox's own parser, substitutions included (tox config creates no environment)."""
    pytest.importorskip("tox", reason="tox (the test extra) parses the template itself")
    shutil.copy(TEMPLATES / "tox.ini", tmp_path / "tox.ini")
    env = {**os.environ, TOOLKIT_VARIABLE: "wheels/conformance-0.1.0-py3-none-any.whl"}
    keys = ["-k", "deps", "commands", "pass_env", "skip_install"]
    command = [sys.executable, "-m", "tox", "config", "-e", "conformance", *keys]
    run = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "deps = wheels/conformance-0.1.0-py3-none-any.whl" in run.stdout
    assert f"commands = conformance certify --output {tmp_path}/{REPORTS}\n" in run.stdout
    passed = {line.strip() for line in run.stdout.splitlines()}
    assert {"PROBE_*", "CONFORMANCE_DATABASE_PASSWORD"} <= passed
    assert "skip_install = True" in run.stdout


# --- nox ---------------------------------------------------------------------------------------

NOXFILE = TEMPLATES / "noxfile.py"


def test_the_nox_snippet_defines_one_session_conformance_that_certifies() -> None:
    tree = ast.parse(NOXFILE.read_text(encoding="utf-8"))
    sessions = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d).startswith("nox.session") for d in node.decorator_list)
    ]
    assert [s.name for s in sessions] == ["conformance"]
    runs = [
        ast.unparse(node)
        for node in ast.walk(sessions[0])
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "session.run"
    ]
    assert runs == [
        "session.run('conformance', 'certify', '--output', 'conformance-reports', *session.posargs)"
    ]


class _SessionError(Exception):
    pass


class _FakeSession:
    def __init__(self, posargs: list[str]) -> None:
        self.posargs = posargs
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def install(self, *args: str) -> None:
        self.calls.append(("install", args))

    def run(self, *args: str) -> None:
        self.calls.append(("run", args))

    def error(self, *args: str) -> None:
        raise _SessionError(*args)


def _nox_session(monkeypatch: pytest.MonkeyPatch):
    """The snippet's session function, imported with a stand-in for nox (not a test
    dependency): @nox.session registers a function and returns it."""
    stand_in = types.ModuleType("nox")
    stand_in.session = lambda function: function  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nox", stand_in)
    spec = importlib.util.spec_from_file_location("supplier_noxfile", NOXFILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.conformance


def test_the_nox_session_installs_the_supplier_s_toolkit_and_certifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_function = _nox_session(monkeypatch)
    monkeypatch.setenv(TOOLKIT_VARIABLE, "wheels/conformance-0.1.0-py3-none-any.whl")
    session = _FakeSession(posargs=["--lang", "en"])
    session_function(session)
    assert session.calls == [
        ("install", ("wheels/conformance-0.1.0-py3-none-any.whl",)),
        ("run", ("conformance", "certify", "--output", REPORTS, "--lang", "en")),
    ]


def test_the_nox_session_stops_when_no_toolkit_source_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_function = _nox_session(monkeypatch)
    monkeypatch.delenv(TOOLKIT_VARIABLE, raising=False)
    session = _FakeSession(posargs=[])
    with pytest.raises(_SessionError, match=TOOLKIT_VARIABLE):
        session_function(session)
    assert session.calls == []


def test_nox_lists_the_session(tmp_path: Path) -> None:
    pytest.importorskip("nox", reason="nox itself loads the snippet")
    command = [sys.executable, "-m", "nox", "-f", str(NOXFILE), "--list"]
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^\* conformance -> Certify this integration", run.stdout, re.MULTILINE)


# --- pre-commit --------------------------------------------------------------------------------


def _manifest() -> dict[str, Any]:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return hook


def test_the_hook_manifest_runs_conformance_hook_once_on_the_changed_files() -> None:
    hook = _manifest()
    assert hook["id"] == "conformance"
    assert hook["name"]
    assert hook["entry"] == "conformance hook"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        *[
            (f"exports/leerlingen.{ext}", True)
            for ext in ("xml", "json", "jsonl", "ndjson", "csv", "tsv", "yaml", "yml")
        ],
        ("db/schema.sql", True),
        ("db/schema.ddl", True),
        ("specs/export.xsd", True),
        ("EXPORT.XML", True),
        ("conformance.toml", False),
        ("app/models.py", False),
        ("README.md", False),
        ("exports/leerlingen.json.bak", False),
        ("notes.xmlx", False),
    ],
)
def test_the_hook_selects_the_input_kinds(path: str, selected: bool) -> None:
    # pre-commit matches `files` with re.search on the path relative to the repository root
    assert bool(re.search(_manifest()["files"], path)) is selected


def test_the_hook_manifest_is_valid_for_pre_commit() -> None:
    pytest.importorskip("pre_commit", reason="pre-commit (the test extra) validates manifests")
    from pre_commit.clientlib import load_manifest  # noqa: PLC0415 (only with pre-commit)

    (hook,) = load_manifest(str(MANIFEST))
    assert (hook["id"], hook["entry"], hook["language"]) == (
        "conformance",
        "conformance hook",
        "python",
    )


SUPPLIER_CONFIG = """profile = "nl-generic"
[inputs]
exports = ["exports/*.json*"]
[probe]
base_url = "https://api.example.nl"
[probe.credentials]
school_a = {bearer_env = "UNSET_IN_THIS_TEST_A"}
school_b = {bearer_env = "UNSET_IN_THIS_TEST_B"}
"""


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,  # no signing or hooks from the machine's config
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "conformance tests",
        "GIT_AUTHOR_EMAIL": "tests@localhost",
        "GIT_COMMITTER_NAME": "conformance tests",
        "GIT_COMMITTER_EMAIL": "tests@localhost",
    }
    return subprocess.run(
        [str(GIT), *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def _build_sources() -> list[str]:
    """What `pip install .` of this repository reads: pyproject.toml, the readme and each
    package's folder (from pyproject, so a package added there is copied too)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    mapped = setuptools.get("package-dir", {})
    folders = {
        Path(mapped.get(package, package.replace(".", "/"))).parts[0]
        for package in setuptools["packages"]
    }
    return ["pyproject.toml", project["project"]["readme"], *sorted(folders)]


def _hook_repository(path: Path) -> str:
    """This repository as pre-commit needs it — the manifest and what `pip install .` builds
    from, as they are in the work tree — committed in a repository of its own; its commit."""
    path.mkdir()
    shutil.copy(MANIFEST, path / MANIFEST.name)
    for name in _build_sources():
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, path / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, path / name)
    _git(path, "init", "--quiet")
    _git(path, "add", "--all")
    _git(path, "commit", "--quiet", "--message", "hook repository")
    return _git(path, "rev-parse", "HEAD").strip()


@pytest.mark.skipif(GIT is None, reason="pre-commit needs git")
def test_pre_commit_installs_and_runs_the_hook(tmp_path: Path) -> None:
    """A supplier's repository using this repository's hook, end to end: pre-commit clones it,
    builds the hook's virtualenv with `pip install .` (the slow part, once) and runs
    `conformance hook` on the changed files its `files` pattern selects."""
    pytest.importorskip("pre_commit", reason="pre-commit (the test extra) runs the hook")
    rev = _hook_repository(tmp_path / "hook-repository")
    supplier = tmp_path / "supplier"
    (supplier / "exports").mkdir(parents=True)
    shutil.copy(
        FIXTURES / "NAW-001" / "fail_generic_parent_email_phone.json",
        supplier / "exports" / "leerlingen.json",
    )
    shutil.copy(
        FIXTURES / "sample-supplier" / "licenties.jsonl", supplier / "exports" / "licenties.jsonl"
    )
    (supplier / "notes.json").write_text('{"naam": "Jan de Vries"}', encoding="utf-8")
    (supplier / "conformance.toml").write_text(SUPPLIER_CONFIG, encoding="utf-8")
    (supplier / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump(
            {
                "repos": [
                    {
                        "repo": str(tmp_path / "hook-repository"),
                        "rev": rev,
                        "hooks": [{"id": "conformance"}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    _git(supplier, "init", "--quiet")
    _git(supplier, "add", "--all")  # pre-commit refuses an unstaged config

    # pre-commit's own cache in tmp_path: a fresh install, nothing left behind
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("PROBE_SCHOOL_A", None)

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        # --verbose: the hook's output is shown when it passes too
        command = [sys.executable, "-m", "pre_commit", "run", "--verbose", "--color", "never"]
        command.append("--files")
        return subprocess.run(
            [*command, *files],
            cwd=supplier,
            env=env,
            capture_output=True,
            text=True,
            timeout=540,
            check=False,
        )

    started = time.monotonic()
    passing = pre_commit("exports/licenties.jsonl", "notes.json", "conformance.toml")
    installed = time.monotonic() - started
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"^conformance .*\.+Passed$", passing.stdout, re.MULTILINE), passing.stdout
    assert "input exports/licenties.jsonl" in passing.stdout
    assert "notes.json" not in passing.stdout  # not an input: the hook leaves it alone

    failing = pre_commit("exports/leerlingen.json", "exports/licenties.jsonl")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"^conformance .*\.+Failed$", failing.stdout, re.MULTILINE), failing.stdout
    assert "- hook id: conformance" in failing.stdout
    assert "FAIL  NAW-001" in failing.stdout
    assert "exports/leerlingen.json /0: direct identifier 'ouder/email'" in failing.stdout

    # neither file is an input kind: the hook does not even start
    skipped = pre_commit("conformance.toml", "README.md")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert re.search(r"^conformance .*\(no files to check\)Skipped$", skipped.stdout, re.M)
    print(f"pre-commit installed and ran the hook in {installed:.1f} s")
