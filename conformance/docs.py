"""Requirement documentation generated from the catalogue and the checks, so it cannot drift.

``conformance explain ID`` prints one page; ``docs/requirements.md`` is all pages together and
a test keeps the committed file equal to :func:`catalogue_markdown`.
"""

from __future__ import annotations

from conformance.checks import DOCS, REGISTRY
from conformance.model.errors import UserError
from conformance.model.requirements import CATALOGUE
from conformance.probes.docs import EVIDENCE, PROBE_DOCS


def explain(rid: str) -> str:
    requirement = CATALOGUE.get(rid)
    if requirement is None:
        shown = rid if len(rid) <= 40 else f"{rid[:40]}…"  # an argument may be any length
        raise UserError(
            shown,
            None,
            "unknown requirement; see `conformance explain` IDs in docs/requirements.md",
        )
    return page(rid, heading="#")


def page(rid: str, heading: str = "##") -> str:
    req = CATALOGUE[rid]
    lines = [
        f"{heading} {req.id} {req.name}",
        "",
        f"**{req.title_en}** — *{req.title_nl}*",
        "",
        f"Fails when: {req.fails_when}.",
        "",
        f"Evidence: {', '.join(req.evidence)}.",
        "",
        "Basis:",
        *[f"- {b.name}: {b.value}" for b in req.basis],
        "",
    ]
    check = REGISTRY.get(rid)
    static = check.doc if check is not None else DOCS.get(rid)
    doc = static or PROBE_DOCS.get(rid)
    if doc is None:
        lines += ["Checked by: not yet (no check is registered for this requirement).", ""]
        return "\n".join(lines) + "\n"
    lines += [
        f"{heading}# What it checks",
        "",
        doc.what,
        "",
        f"{heading}# Why it matters",
        "",
        doc.why,
        "",
        f"{heading}# Failing example",
        "",
        "```",
        doc.failing,
        "```",
        "",
        f"{heading}# Passing example",
        "",
        "```",
        doc.passing,
        "```",
        "",
        f"{heading}# How to fix",
        "",
        doc.fix,
        "",
    ]
    if static is not None:
        lines += [f"Fixtures: `fixtures/{rid}/`.", ""]
    return "\n".join(lines + _probe_section(rid, heading, static is not None)) + "\n"


def _probe_section(rid: str, heading: str, also: bool) -> list[str]:
    """How `conformance probe` checks the requirement against a live API, if it does."""
    probe = PROBE_DOCS.get(rid)
    if probe is None:
        return []
    lines = [f"{heading}# Live probe (`conformance probe`)", ""]
    if also:
        lines += [probe.what, ""]
    mistakes = EVIDENCE.get(rid, ())
    shown = (
        "the bundled leaky supplier fails it with "
        + " or ".join(f"`--mistakes {m}`" for m in mistakes)
        if mistakes
        else "the bundled reference supplier passes it"
    )
    lines += [f"Evidence: `fixtures/suppliers/` — {shown} (tests/test_probes.py).", ""]
    return lines


def catalogue_markdown() -> str:
    intro = (
        "# Requirements\n\n"
        "Generated from `conformance/model/requirements.py` and the checks' documentation by\n"
        "`python -m conformance.docs`; do not edit by hand (a test compares them).\n\n"
    )
    return intro + "".join(page(rid) for rid in CATALOGUE)


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
