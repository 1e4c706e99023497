"""SCB reference data shipped with the registry (see SOURCES.md): loaded idempotently, never edited by hand."""
