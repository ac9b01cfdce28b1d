"""JSON Schemas shipped with the package: profiles and reports."""
