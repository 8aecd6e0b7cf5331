"""Test-only helpers (not shipped in the wheel)."""
