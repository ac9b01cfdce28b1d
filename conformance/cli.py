"""The ``conformance`` command: a pipeline of small steps ending in an exit code.

Exit codes (a contract): 0 conformant · 1 not conformant · 2 usage, configuration or input error
(one line on stderr, no traceback) · 3 internal error (a bug).
"""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from conformance import __version__, certify, crosslink, engine, scaffold, signing
from conformance.docs import explain
from conformance.model.errors import UserError
from conformance.model.report import Report
from conformance.model.selection import Selection
from conformance.model.verdict import Verdict
from conformance.output import output_path, refuse_clashes, write_all, write_bundle
from conformance.probes.config import find_config, load_config
from conformance.profiles import load_profile, shipped_profiles
from conformance.progress import progress_for
from conformance.readers.sniff import is_database_url, without_secrets
from conformance.reporters import html, json, junit, markdown, sarif, text

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
    _report_options(check)
    check.add_argument("--all", action="store_true", help="also list requirements not examined")
    _selection_options(check)
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
    _report_options(link)
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
    _report_options(probe)
    _certify_parser(verbs)
    keygen = verbs.add_parser("keygen", help="make an Ed25519 key pair for signing reports")
    keygen.add_argument(
        "--out",
        type=Path,
        default=Path("conformance-signing"),
        metavar="PREFIX",
        help="writes PREFIX.key (private, mode 600) and PREFIX.pub (default: conformance-signing)",
    )
    verify = verbs.add_parser("verify", help="check a signed report and the inputs at hand")
    verify.add_argument("report", type=Path, metavar="REPORT")
    verify.add_argument("--key", type=Path, metavar="PUBLIC_KEY", help="the signer's public key")
    verify.add_argument(
        "--inputs-root",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="where the report's relative input paths are (default: the current folder)",
    )
    init = verbs.add_parser("init", help="write a starter conformance.toml and nox session")
    init.add_argument("--yes", action="store_true", help="take what is detected, ask nothing")
    hook = verbs.add_parser("hook", help="pre-commit: check the changed files the config names")
    hook.add_argument("--config", type=Path, help="default: conformance.toml or pyproject.toml")
    hook.add_argument("files", nargs="*", metavar="FILE", help="the changed files")
    verbs.add_parser("profiles", help="list the shipped profiles and their purposes")
    explain_verb = verbs.add_parser("explain", help="explain a requirement and how it is checked")
    explain_verb.add_argument("requirement", metavar="REQUIREMENT_ID")
    return parser


def _certify_parser(verbs: argparse._SubParsersAction[_Parser]) -> None:
    run = verbs.add_parser("certify", help="everything in the config -> one report bundle")
    run.add_argument(
        "--config",
        type=Path,
        help="default: conformance.toml, else [tool.conformance] in pyproject.toml",
    )
    run.add_argument(
        "--output",
        type=output_path,
        default=Path("conformance-reports"),
        metavar="DIR",
        help="the report bundle's folder (default: conformance-reports)",
    )
    run.add_argument("--lang", choices=("nl", "en"), default="nl", help="the HTML's language")
    run.add_argument("--sign-key", type=Path, metavar="FILE", help="Ed25519 private key (PEM)")
    _selection_options(run)
    run.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known findings: fail only on new ones (never in a certification run: --draft)",
    )
    run.add_argument(
        "--update-baseline",
        action="store_true",
        help="write the --baseline FILE from this run's findings",
    )
    run.add_argument(
        "--draft",
        action="store_true",
        help="run even where it may not certify (development build, custom profile); every "
        "format is marked not for certification",
    )


def _tune_collector() -> None:
    """A check makes millions of short-lived lists and dicts that reference counting frees;
    the cyclic collector, run every 700 allocations by default, walked them and every module
    object loaded at start for nothing: about a tenth of a check's time. The start-up objects
    are frozen out of its walks and it runs less often; peak memory is unchanged (measured on
    200,000-record XML, JSON Lines and CSV checks)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _terminated(signum: int, frame: object) -> None:  # noqa: ARG001  (a signal handler's)
    raise KeyboardInterrupt  # unwinds like Ctrl-C: spill folders and half files removed


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # a program of its own, not a call from a test or another tool
        _tune_collector()
        # CI cancels a job with SIGTERM: clean up as for Ctrl-C, not die mid-write
        signal.signal(signal.SIGTERM, _terminated)
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
        # as reports repeat it: a database URL's password never
        args.command = shlex.join(["conformance", *map(without_secrets, arguments)])
        return _HANDLERS[args.verb](args)
    except UserError as exc:  # one line, whatever a file name holds (newlines, escapes)
        print(f"conformance: error: {text.printable(str(exc))}", file=sys.stderr)
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
    refuse_clashes(_report_targets(args), args.inputs)
    request = engine.RunRequest(
        profile=load_profile(args.profile),
        purpose=args.purpose,
        inputs=tuple(args.inputs),
        environment=args.environment,
        command=args.command,
        deep_seconds=args.deep,
        progress=progress_for(sys.stderr),
        selection=Selection.parse(args.select, args.ignore),
    )
    report = engine.run(request)
    _write_reports(report, args)
    sys.stderr.buffer.write(text.render(report, show_unchecked=args.all))
    sys.stderr.flush()
    return _exit_code(report)


def _probe(args: argparse.Namespace) -> int:
    refuse_clashes(_report_targets(args))
    config = load_config(find_config(args.config))
    request = engine.RunRequest(
        profile=load_profile(args.profile),
        purpose=None,
        inputs=(),
        command=args.command,
        subject=tuple(config.subject.items()),
        seed=config.seed,
    )
    from conformance.probes.run import probe  # noqa: PLC0415  (hypothesis, requests: probes only)

    report = engine.probe_report(request, probe(config, progress_for(sys.stderr)).results)
    _write_reports(report, args)
    sys.stderr.buffer.write(text.render(report))
    sys.stderr.flush()
    return _exit_code(report)


BUNDLE = {
    "report.json": json.render,
    "report.junit.xml": junit.render,
    "report.sarif": sarif.render,
    "summary.md": markdown.render,
}


def _certify(args: argparse.Namespace) -> int:
    config = certify.load(find_config(args.config))
    key = signing.load_private_key(args.sign_key) if args.sign_key else None  # fail before a run
    options = _narrowing(args)
    if args.output.exists() and not args.output.is_dir():  # before minutes of probing
        raise UserError(str(args.output), None, "--output must be a folder")
    written = {f"--output {name}": args.output / name for name in (*BUNDLE, "report.html")}
    baseline = {"--baseline": options.baseline} if options.update_baseline else {}
    refuse_clashes(baseline | written, config.inputs)  # before minutes of probing
    certification = certify.eligibility(config, args.draft, options)
    outcome = certify.certify(
        config,
        certification,
        args.command,
        progress=progress_for(sys.stderr),
        options=options,
    )
    report = signing.sign(outcome.report, key) if key else outcome.report
    bundle = {name: render(report) for name, render in BUNDLE.items()}
    bundle["report.html"] = html.render(report, args.lang)
    if outcome.baseline is not None and options.baseline is not None:
        write_all({options.baseline: outcome.baseline})
    write_bundle(args.output, bundle)
    sys.stderr.buffer.write(text.render(report))
    for line in (*outcome.problems, *outcome.notes):  # they quote the waivers file's text
        print(f"conformance: {text.printable(line)}", file=sys.stderr)
    if not certification.eligible:
        reasons = "; ".join(certification.reasons)
        print(f"conformance: NOT FOR CERTIFICATION: {reasons}", file=sys.stderr)
    names = ", ".join(sorted(bundle))
    print(f"conformance: reports in {args.output}/ ({names})", file=sys.stderr)
    return _exit_code(report)


def _narrowing(args: argparse.Namespace) -> certify.Options:
    if args.update_baseline and args.baseline is None:
        raise UserError("--update-baseline", None, "name the file with --baseline FILE")
    if args.baseline is not None and not args.update_baseline and not args.baseline.is_file():
        problem = "no such baseline; make it with --baseline FILE --update-baseline"
        raise UserError(str(args.baseline), None, problem)
    return certify.Options(
        selection=Selection.parse(args.select, args.ignore),
        baseline=args.baseline,
        update_baseline=args.update_baseline,
    )


def _keygen(args: argparse.Namespace) -> int:
    prefix = args.out
    private, public = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    fingerprint = signing.generate(private, public)
    print(f"private key: {private} (keep it secret)\npublic key:  {public}")
    print(f"fingerprint: {fingerprint}")
    return EXIT_PASS


def _verify(args: argparse.Namespace) -> int:
    """Exit 0 only for an authentic report checked against the signer's own key: without
    --key anyone could have re-signed a forged report with a key of their own."""
    key = signing.load_public_key(args.key) if args.key else None
    checked = signing.check_file(args.report, key, args.inputs_root)
    problems = [checked.signature.problem] if not checked.signature.valid else []
    if checked.signature.valid and not checked.exact:
        problems.append("the file's bytes differ from what was signed (reformatted or altered)")
    problems += [f"input {name} changed since the report" for name in checked.changed_inputs]
    for name in checked.absent_inputs:
        print(f"conformance: input {name} not at hand: its hash was not checked", file=sys.stderr)
    if problems:
        print(f"conformance: {args.report}: INVALID: " + "; ".join(problems), file=sys.stderr)
        return EXIT_FAIL
    fingerprint = checked.signature.fingerprint
    if key is None:
        print(
            f"conformance: {args.report}: unchanged since signed by key {fingerprint}, but the "
            "signer is NOT verified: pass --key with the signer's public key",
            file=sys.stderr,
        )
        return EXIT_FAIL
    print(f"conformance: {args.report}: valid, signed by key {fingerprint}", file=sys.stderr)
    print(f"conformance: {args.report}: {checked.standing}", file=sys.stderr)
    return EXIT_PASS


def _init(args: argparse.Namespace) -> int:
    """Propose a config from what the project holds; on a terminal, ask before writing."""
    root = Path()
    found = scaffold.detect(root)
    interactive = sys.stdin.isatty() and not args.yes
    if interactive:
        found = scaffold.confirm(found, input)
    scaffold.write_new(root / "conformance.toml", scaffold.config_text(found))
    print(f"wrote conformance.toml (profile {found.profile}; {_counted(found)})")
    if found.nox_session is None:  # no noxfile.py (read before the config was written)
        scaffold.write_new(root / "noxfile.py", scaffold.nox_session(standalone=True))
        print("wrote noxfile.py: `nox -s conformance` certifies into conformance-reports/")
    elif not found.nox_session:
        print("add this session to your noxfile.py:\n\n" + scaffold.nox_session(standalone=False))
    return EXIT_PASS


def _counted(found: scaffold.Found) -> str:
    return ", ".join(
        f"{len(items)} {label}"
        for label, items in (
            ("exports", found.exports),
            ("storage", found.storage),
            ("specs", found.specs),
        )
    )


def _hook(args: argparse.Namespace) -> int:
    """The static checks on those changed files that the config names as inputs (exports,
    storage, specs): fast enough for every commit, no API and no credentials involved."""
    config = certify.load(find_config(args.config), with_probe=False)
    named = {Path(i).resolve() for i in config.inputs if not is_database_url(i)}
    changed = [f for f in args.files if Path(f).resolve() in named]
    if not changed:
        print("conformance: no changed file is a conformance input", file=sys.stderr)
        return EXIT_PASS
    request = engine.RunRequest(
        profile=load_profile(config.profile),
        purpose=config.purpose,
        inputs=tuple(changed),
        environment=config.environment,
        command=args.command,
    )
    report = engine.run(request)
    sys.stderr.buffer.write(text.render(report))
    sys.stderr.flush()
    return _exit_code(report)


def _link(args: argparse.Namespace) -> int:
    refuse_clashes(_report_targets(args), (str(args.export_a), str(args.export_b)))
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


def _report_targets(args: argparse.Namespace) -> dict[str, Path | None]:
    """Each report option and its path: compared before the outputs are keyed by path (where
    two options naming one file would merge into one report silently)."""
    return {f"--{n}": getattr(args, n) for n in ("json", "html", "junit", "sarif", "markdown")}


def _write_reports(report: Report, args: argparse.Namespace) -> None:
    renderers = (
        (args.json, json.render),
        (args.html, html.render),
        (args.junit, junit.render),
        (args.sarif, sarif.render),
        (args.markdown, markdown.render),
    )
    outputs: dict[Path, bytes] = {}
    for path, render in renderers:
        if path:  # one path twice is a stream (refuse_clashes refused files): one after another
            outputs[path] = outputs.get(path, b"") + render(report)
    write_all(outputs)


def _selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        metavar="IDS",
        help="only these requirements: families or ID prefixes (NAW,PSN-002)",
    )
    parser.add_argument("--ignore", metavar="IDS", help="not these requirements (same form)")


def _report_options(parser: argparse.ArgumentParser) -> None:
    """Where check, link and probe write their reports (any, all or none)."""
    parser.add_argument(
        "--json", type=output_path, metavar="FILE", help="write the JSON report here"
    )
    parser.add_argument(
        "--html", type=output_path, metavar="FILE", help="write the HTML report here"
    )
    parser.add_argument("--junit", type=output_path, metavar="FILE", help="write JUnit XML here")
    parser.add_argument("--sarif", type=output_path, metavar="FILE", help="write SARIF 2.1.0 here")
    parser.add_argument(
        "--markdown", type=output_path, metavar="FILE", help="write a Markdown summary"
    )


def _exit_code(report: Report) -> int:
    """0 or 1 by the verdict; 3 where a check broke (a bug); 2 where nothing broke but nothing
    could be examined either: the inputs cannot answer what was asked, which is the user's
    to change (the reasons are in the report above), not a crash to report to us."""
    if report.verdict is Verdict.ERROR and all(
        r.verdict is not Verdict.ERROR for r in report.requirements
    ):
        print(
            "conformance: error: nothing could be examined: no requirement applies to these "
            "inputs (the reasons are listed above)",
            file=sys.stderr,
        )
        return EXIT_USAGE
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
    "certify": _certify,
    "hook": _hook,
    "init": _init,
    "keygen": _keygen,
    "verify": _verify,
    "check": _check,
    "link": _link,
    "probe": _probe,
    "profiles": _profiles,
    "explain": _explain,
}
