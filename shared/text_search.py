"""Search folding for Swedish names: "malung" finds Malung-Sälen, "ostergotland" finds Östergötlands län.

Names are stored as written; a folded copy (lower case, diacritics removed, punctuation as spaces) is stored
beside them and queried with the same folding, so search behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class _FoldedCharacters(dict[int, str]):
    """A character's folding (case folded, decomposed, combining marks dropped), worked out the first time it is
    met. Folding a text character by character is folding it whole: case folding maps each character alone, and
    decomposition only reorders combining marks, which are dropped."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if len(self) < 20_000:  # the scripts names are written in, not every character a file may hold
            self[code] = folded
        return folded


_FOLDED = _FoldedCharacters()


def fold_for_search(text: str) -> str:
    return _NON_ALNUM.sub(" ", text.translate(_FOLDED)).strip()


def like_pattern(term: str) -> str:
    """A LIKE pattern matching the folded term anywhere; the folded text holds no LIKE wildcards."""
    return f"%{fold_for_search(term)}%"
