"""People who hold posts. Personal data is minimal, shown only to authenticated callers, and erasable."""
