"""Recognisers of values and field names, and redaction. Pure functions over strings."""
