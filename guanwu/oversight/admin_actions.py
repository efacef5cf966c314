"""Admin views and hooks of this oversight area (filled in by its owner)."""
