"""The ``conformance`` command: a pipeline of small steps ending in an exit code.

Exit codes (a contract): 0 conformant · 1 not conformant · 2 usage, configuration or input error
(one line on stderr, no traceback) · 3 internal error (a bug).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from conformance import __version__, crosslink, engine
from conformance.docs import explain
from conformance.model.errors import UserError
from conformance.model.report import Report
from conformance.model.verdict import Verdict
from conformance.output import write_all
from conformance.probes.config import find_config, load_config
from conformance.probes.run import probe
from conformance.profiles import load_profile, shipped_profiles
from conformance.reporters import html, json, text

EXIT_PASS, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2 (never argparse's own exit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(self.prog, None, message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="conformance", description="Privacy conformance of school data exports.")
    parser.add_argument("--version", action="version", version=f"conformance {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)
    check = verbs.add_parser("check", help="check exports against a profile and purpose")
    check.add_argument("--profile", required=True, help="a shipped profile id or a YAML file")
    check.add_argument("--purpose", help="the purpose (default: the profile's default purpose)")
    check.add_argument(
        "--environment",
        choices=("production", "test"),
        default="production",
        help="test also accepts pilot ECK iDs (default: production)",
    )
    check.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    check.add_argument("--html", type=Path, metavar="FILE", help="write an HTML page here")
    check.add_argument("--all", action="store_true", help="also list requirements not examined")
    check.add_argument(
        "--deep",
        type=float,
        nargs="?",
        const=900.0,
        metavar="SECONDS",
        help="also search every BSN and onderwijsnummer for a preimage of digest-shaped "
        "pseudonyms (LNK-001), on all cores, within SECONDS (default 900)",
    )
    check.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="export or SQL files, or database URLs"
    )
    link = verbs.add_parser("link", help="LNK-004: are two exports linkable by pseudonym?")
    link.add_argument("--profile", required=True, help="a shipped profile id or a YAML file")
    link.add_argument("--purpose", help="the purpose (default: the profile's default purpose)")
    link.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    link.add_argument("--html", type=Path, metavar="FILE", help="write an HTML page here")
    link.add_argument("export_a", type=Path, metavar="EXPORT_A")
    link.add_argument("export_b", type=Path, metavar="EXPORT_B")
    probe = verbs.add_parser("probe", help="API-001…007: probe a running supplier API")
    probe.add_argument(
        "--config",
        type=Path,
        help="the probe map (TOML; default: conformance.toml, else [tool.conformance] in "
        "pyproject.toml)",
    )
    probe.add_argument("--profile", default="nl-generic", help="profile for the report")
    probe.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    probe.add_argument("--html", type=Path, metavar="FILE", help="write an HTML page here")
    verbs.add_parser("profiles", help="list the shipped profiles and their purposes")
    explain_verb = verbs.add_parser("explain", help="explain a requirement and how it is checked")
    explain_verb.add_argument("requirement", metavar="REQUIREMENT_ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
        args.command = shlex.join(["conformance", *arguments])
        return _HANDLERS[args.verb](args)
    except UserError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("conformance: interrupted; nothing was written", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so, without a traceback that may quote data
        if os.environ.get("CONFORMANCE_DEBUG") == "1":  # developers only: may show raw data
            raise
        print(
            f"conformance: internal error ({type(exc).__name__}); this is a bug in conformance "
            f"{__version__}. Please report it to the maintainers with the command you ran.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _check(args: argparse.Namespace) -> int:
    request = engine.RunRequest(
        profile=load_profile(args.profile),
        purpose=args.purpose,
        inputs=tuple(args.inputs),
        environment=args.environment,
        command=args.command,
        deep_seconds=args.deep,
        progress=_ProgressLines(),
    )
    report = engine.run(request)
    _write_reports(report, args)
    sys.stderr.buffer.write(text.render(report, show_unchecked=args.all))
    sys.stderr.flush()
    return _exit_code(report)


class _ProgressLines:
    """A plain progress line each tenth of the way: readable on a terminal and in CI logs."""

    def __init__(self) -> None:
        self.last = -1

    def __call__(self, what: str, share: float, seconds: float) -> None:
        tenth = int(share * 10)
        if tenth != self.last:
            self.last = tenth
            print(f"conformance: {what}: {share:.0%} after {seconds:.0f} s", file=sys.stderr)


def _probe(args: argparse.Namespace) -> int:
    config = load_config(find_config(args.config))
    request = engine.RunRequest(
        profile=load_profile(args.profile),
        purpose=None,
        inputs=(),
        command=args.command,
        subject=tuple(config.subject.items()),
        seed=config.seed,
    )
    report = engine.probe_report(request, probe(config, _ProgressLines()))
    _write_reports(report, args)
    sys.stderr.buffer.write(text.render(report))
    sys.stderr.flush()
    return _exit_code(report)


def _link(args: argparse.Namespace) -> int:
    request = engine.RunRequest(
        profile=load_profile(args.profile),
        purpose=args.purpose,
        inputs=(args.export_a, args.export_b),
        command=args.command,
    )
    report = crosslink.link(request)
    _write_reports(report, args)
    sys.stderr.buffer.write(text.render(report))
    sys.stderr.flush()
    return _exit_code(report)


def _write_reports(report: Report, args: argparse.Namespace) -> None:
    outputs: dict[Path, bytes] = {}
    if args.json:
        outputs[args.json] = json.render(report)
    if args.html:
        outputs[args.html] = html.render(report)
    write_all(outputs)


def _exit_code(report: Report) -> int:
    return {Verdict.PASS: EXIT_PASS, Verdict.FAIL: EXIT_FAIL}.get(report.verdict, EXIT_INTERNAL)


def _profiles(_: argparse.Namespace) -> int:
    for profile in shipped_profiles():
        purposes = ", ".join(
            f"{name}{' (default)' if name == profile.default_purpose else ''}"
            for name in profile.purposes
        )
        print(f"{profile.id} {profile.version}  {profile.title['en']}")
        print(f"    purposes: {purposes}")
    return EXIT_PASS


def _explain(args: argparse.Namespace) -> int:
    print(explain(args.requirement.upper()), end="")
    return EXIT_PASS


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check,
    "link": _link,
    "probe": _probe,
    "profiles": _profiles,
    "explain": _explain,
}
