"""Live API probes (API-001 … API-007): property-based privacy tests of a running supplier API."""
