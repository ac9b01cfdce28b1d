"""The shipped profiles (YAML data), installed as ``conformance.profiledata``."""
