"""Reporters: pure leaf modules, each ``render(report) -> bytes``. The core never imports them."""
