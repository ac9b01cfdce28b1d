"""LNK-004, `conformance link`: are two exports linkable through shared pseudonyms?

Each export is streamed once; every subject record's pseudonym becomes a 64-bit digest in a
compact array, and the two sorted sets are intersected (numpy): linear time, 8 bytes a record.
The report gives the overlap's size and share, never a pseudonym.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b
from pathlib import Path

import numpy as np

from conformance.checks import CheckContext
from conformance.engine import RunRequest, assemble, resolve_purpose, unchecked
from conformance.model.errors import InputError
from conformance.model.findings import Finding, Location
from conformance.model.report import InputInfo, Report, RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.readers import open_export

REQUIREMENT = "LNK-004"


def link(request: RunRequest) -> Report:
    """Compare the pseudonyms of exactly two exports (request.inputs)."""
    if len(request.inputs) != 2:
        raise InputError("link", None, "give exactly two exports to compare")
    purpose = resolve_purpose(request.profile, request.purpose)
    ctx = CheckContext(request.profile, purpose, request.environment)
    (info_a, digests_a), (info_b, digests_b) = (
        _pseudonyms(ctx, Path(path)) for path in request.inputs
    )
    result = _result(info_a, digests_a, info_b, digests_b)
    others = {rid: unchecked(rid, "not examined by `conformance link`") for rid in CATALOGUE}
    return assemble(request, purpose, (info_a, info_b), {**others, REQUIREMENT: result})


def _pseudonyms(ctx: CheckContext, path: Path) -> tuple[InputInfo, np.ndarray]:
    export = open_export(path, ctx.profile)
    digests = array("Q")
    for record in export.records(ctx.profile):
        if not ctx.profile.is_subject(record.kind):
            continue
        found = ctx.pseudonym(record)
        for value in found[1] if found else ():
            digests.append(
                int.from_bytes(blake2b(value.encode(), digest_size=8).digest(), "little")
            )
    if export.records_read == 0:
        raise InputError(str(path), None, f"no records found for profile {ctx.profile.id}")
    info = InputInfo("export", str(path), export.sha256, export.format, export.records_read)
    return info, np.unique(np.frombuffer(digests, dtype=np.uint64))


def _result(
    a: InputInfo, digests_a: np.ndarray, b: InputInfo, digests_b: np.ndarray
) -> RequirementResult:
    req = CATALOGUE[REQUIREMENT]
    title = {"nl": req.title_nl, "en": req.title_en}
    examined = len(digests_a) + len(digests_b)
    if not len(digests_a) or not len(digests_b):
        reason = "one of the exports carries no pseudonym"
        return RequirementResult(REQUIREMENT, title, Verdict.NOT_APPLICABLE, (), 0, 0, reason)
    shared = len(np.intersect1d(digests_a, digests_b, assume_unique=True))
    if not shared:
        return RequirementResult(REQUIREMENT, title, Verdict.PASS, (), 0, examined)
    smaller = min(len(digests_a), len(digests_b))
    finding = Finding(
        requirement=REQUIREMENT,
        message=f"{shared:,} pseudonyms occur in both {a.name} ({len(digests_a):,} distinct) "
        f"and {b.name} ({len(digests_b):,} distinct): {shared / smaller:.1%} of the smaller "
        "export can be linked to the other",
        location=Location(b.name),
        occurrences=shared,
    )
    return RequirementResult(REQUIREMENT, title, Verdict.FAIL, (finding,), 1, examined)
