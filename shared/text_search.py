"""Search folding for Swedish names: "malung" finds Malung-Sälen, "ostergotland" finds Östergötlands län.

Names are stored as written; a folded copy (lower case, diacritics removed, punctuation as spaces) is stored
beside them and queried with the same folding, so search behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_for_search(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped).strip()


def like_pattern(term: str) -> str:
    """A LIKE pattern matching the folded term anywhere; the folded text holds no LIKE wildcards."""
    return f"%{fold_for_search(term)}%"
