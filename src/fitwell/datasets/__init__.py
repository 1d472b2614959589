"""Small datasets shipped inside the package (no download ever)."""

from __future__ import annotations

from fitwell.datasets.digits import load_digits

__all__ = ["load_digits"]
