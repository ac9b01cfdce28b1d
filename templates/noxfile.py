"""The nox session a supplier copies into their own noxfile.py (the toolkit's docs/ci.md).

``nox -s conformance`` installs the toolkit in a virtualenv of its own and runs
``conformance certify --output conformance-reports`` on the project's conformance.toml; the CI
templates beside this file run it and publish the report bundle it leaves behind.
"""

from __future__ import annotations

import os

import nox

# PLACEHOLDER: where your copy of the toolkit comes from. Set this environment variable (in CI: a
# project variable) to the pip requirement your own package index serves, or to the path of the
# wheel you were given. Not the bare name "conformance": on PyPI that name belongs to an
# unrelated project.
TOOLKIT_VARIABLE = "CONFORMANCE_TOOLKIT"


@nox.session
def conformance(session: nox.Session) -> None:
    """Certify this integration: every check and probe into conformance-reports/."""
    toolkit = os.environ.get(TOOLKIT_VARIABLE)
    if not toolkit:
        session.error(
            f"set {TOOLKIT_VARIABLE} to where the conformance toolkit comes from (its docs/ci.md)"
        )
    session.install(toolkit)
    # The probes' credentials (PROBE_SCHOOL_A/_B …) and CONFORMANCE_DATABASE_PASSWORD come from
    # the environment, which nox passes on. Exit 1 (not conformant) fails the session; the reports
    # are written all the same, for CI to publish. Extra arguments: nox -s conformance -- --lang en
    session.run("conformance", "certify", "--output", "conformance-reports", *session.posargs)
