"""Bulk exchange for county systems: all-or-nothing CSV imports and as-of exports of the whole register."""
