"""LNK-004, `conformance link`: are two exports linkable through shared pseudonyms?

Each export is streamed once; every subject record's pseudonym (a digest-like one as its hex,
whatever its case or known prefix — a URL with or without its scheme, a URN — and a UUID in
either case: the same pseudonym written twice, see checks.pseudonym.linkable) becomes a
64-bit digest, kept in
rows partitioned by the digest's top bits that spill to disk (checks/spill.py), and the two sets
are intersected partition by partition (numpy): memory stays flat.
The report gives the overlap's size and share, never a pseudonym.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from conformance.checks import CheckContext
from conformance.checks.pseudonym import linkable
from conformance.checks.spill import PartitionedRows, digests64
from conformance.engine import RunRequest, assemble, resolve_purpose, unchecked
from conformance.model.errors import InputError
from conformance.model.findings import Finding, Location
from conformance.model.records import RecordWindow
from conformance.model.report import InputInfo, Report, RequirementResult
from conformance.model.requirements import CATALOGUE
from conformance.model.verdict import Verdict
from conformance.readers import open_export

REQUIREMENT = "LNK-004"
_ROW = np.dtype([("key", np.uint64)])


def link(request: RunRequest) -> Report:
    """Compare the pseudonyms of exactly two exports (request.inputs)."""
    if len(request.inputs) != 2:
        raise InputError("link", None, "give exactly two exports to compare")
    purpose = resolve_purpose(request.profile, request.purpose)
    ctx = CheckContext(request.profile, purpose, request.environment)
    (info_a, digests_a), (info_b, digests_b) = (
        _pseudonyms(ctx, Path(path)) for path in request.inputs
    )
    with digests_a, digests_b:
        overlap = _overlap(digests_a, digests_b)
    result = _result(info_a, info_b, overlap)
    others = {rid: unchecked(rid, "not examined by `conformance link`") for rid in CATALOGUE}
    return assemble(request, purpose, (info_a, info_b), {**others, REQUIREMENT: result})


def _pseudonyms(ctx: CheckContext, path: Path) -> tuple[InputInfo, PartitionedRows]:
    export = open_export(path, ctx.profile)
    digests = PartitionedRows(_ROW, "key")
    for window in export.windows(ctx.profile):
        if ctx.profile.is_subject(window.kind):
            digests.extend(key=digests64(map(linkable, _values(ctx, window))))
    if export.records_read == 0:
        digests.close()
        raise InputError(str(path), None, f"no records found for profile {ctx.profile.id}")
    info = InputInfo("export", str(path), export.sha256, export.format, export.records_read)
    return info, digests


def _values(ctx: CheckContext, window: RecordWindow) -> list[str]:
    """The window's pseudonyms: a column per shape, record by record where a shape has none
    or several values per record (their order does not matter here)."""
    values: list[str] = []
    for batch in window.batches:
        column = ctx.pseudonym_column(batch)
        if column is not None:
            values += column[1]
            continue
        for record in batch.records:
            found = ctx.pseudonym(record)
            values += found[1] if found else ()
    return values


class _Overlap(NamedTuple):
    distinct_a: int
    distinct_b: int
    shared: int


def _overlap(a: PartitionedRows, b: PartitionedRows) -> _Overlap:
    """Distinct pseudonyms in each export and in both, counted partition by partition (a
    value never spans two partitions): memory stays flat however long the exports are."""
    distinct_a = distinct_b = shared = 0
    for part_a, part_b in zip(a.partitions(), b.partitions(), strict=True):
        keys_a, keys_b = np.unique(part_a["key"]), np.unique(part_b["key"])
        distinct_a += len(keys_a)
        distinct_b += len(keys_b)
        shared += len(np.intersect1d(keys_a, keys_b, assume_unique=True))
    return _Overlap(distinct_a, distinct_b, shared)


def _result(a: InputInfo, b: InputInfo, overlap: _Overlap) -> RequirementResult:
    req = CATALOGUE[REQUIREMENT]
    title = {"nl": req.title_nl, "en": req.title_en}
    distinct_a, distinct_b, shared = overlap
    examined = distinct_a + distinct_b
    if not distinct_a or not distinct_b:
        reason = "one of the exports carries no pseudonym"
        return RequirementResult(REQUIREMENT, title, Verdict.NOT_APPLICABLE, (), 0, 0, reason)
    if not shared:
        return RequirementResult(REQUIREMENT, title, Verdict.PASS, (), 0, examined)
    smaller = min(distinct_a, distinct_b)
    finding = Finding(
        requirement=REQUIREMENT,
        message=f"{shared:,} pseudonyms occur in both {a.name} ({distinct_a:,} distinct) "
        f"and {b.name} ({distinct_b:,} distinct): {shared / smaller:.1%} of the smaller "
        "export can be linked to the other",
        location=Location(b.name),
        occurrences=shared,
    )
    return RequirementResult(REQUIREMENT, title, Verdict.FAIL, (finding,), 1, examined)
