"""Pure data: requirements, findings, verdicts, profiles, records and reports.

Nothing in this package imports anything else of ours; every other layer builds on it.
"""
