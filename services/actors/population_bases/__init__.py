"""Population bases: named, dated tables of populations that allocations and co-financing agreements cite."""
