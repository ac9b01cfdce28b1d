"""conformance: privacy conformance checks for Dutch school data integrations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conformance")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"
