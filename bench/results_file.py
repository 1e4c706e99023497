"""Where a benchmark keeps its figures: bench/results/<name>-<UTC time>.json (not in git)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from deploy.stack import ROOT

RESULTS_DIR = ROOT / "bench" / "results"


def write_results(name: str, results: Any) -> Path:
    """Writes the figures and says where."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{name}-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"results written to {out.relative_to(ROOT)}")
    return out
