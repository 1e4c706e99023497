"""Small numbers: which aggregate tables a caller may not read, because they would show too few respondents'
answers (a single municipality's, say) to someone who does not own them.

Answers belong to the respondent's county. A national administrator reads every table, and a county reads its
own county's in full. For everyone else (another county, the dashboard, which is a national reader but not the
owner of the answers) a table is counted over at least `minimum` submitted responses that are not the caller's
own, or it is suppressed: its figures are null, marked `suppressed`, and the rule is named. The national table
is one such table: while only Falun has answered, the nation is Falun, so another county and the dashboard get
it suppressed; Dalarna, whose answers they are, reads it.

A rule on single tables is not enough, because tables can be subtracted: the nation minus every county table a
caller may read leaves the counties it may not. So the counties withheld from a caller (those with fewer than
`minimum` responses, and respondents of no county, whose group has no table of its own) must together hold no
responses or at least `minimum`; when they hold fewer, the next smallest county table is withheld too
(complementary suppression, as statistical agencies do), and when no county is left to add, the nation is
withheld. A caller's own county is known to it and counts for nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.surveys.aggregation.schemas import Suppression
from shared.identity import Principal, Role

MIN_GROUP, COMPLEMENTARY = "min_group_size", "complementary"


@dataclass(frozen=True)
class Withheld:
    """The tables of one round withheld from one caller."""

    minimum: int
    counties: dict[str, str]  # county code -> the rule that withholds it
    nation: bool
    own: str | None

    def of(self, scope: str | None) -> Suppression | None:
        """Why the table of `scope` (a county code, or None: the nation) is withheld; None: it is shown."""
        if scope is None:
            if not self.nation:
                return None
            return Suppression(rule=MIN_GROUP, minimum=self.minimum, detail=(
                f"The national figures rest on fewer than {self.minimum} submitted responses that are not the "
                "caller's own county's; they are shown to national administrators and to the county whose answers "
                "they are."))
        rule = self.counties.get(scope)
        if rule is None:
            return None
        if rule == MIN_GROUP:
            detail = (f"County {scope}'s figures rest on fewer than {self.minimum} submitted responses; they are "
                      f"shown to national administrators and to county {scope} itself.")
        else:
            detail = (f"County {scope}'s figures are withheld so that the national figures minus the county "
                      f"figures shown leave no group of fewer than {self.minimum} responses.")
        return Suppression(rule=rule, minimum=self.minimum, detail=detail)


def withheld(caller: Principal, submitted_by_county: dict[str | None, int], minimum: int) -> Withheld:
    """The tables of a round withheld from `caller`, given how many responses each county has submitted."""
    own = caller.county_code if caller.role is Role.COUNTY else None
    if caller.role is Role.NATIONAL_ADMIN:
        return Withheld(minimum=minimum, counties={}, nation=False, own=own)
    others = {county: n for county, n in submitted_by_county.items()
              if n > 0 and not (own is not None and county == own)}
    counties = {county: MIN_GROUP for county, n in others.items() if county is not None and n < minimum}
    hidden = sum(n for county, n in others.items() if county is None or n < minimum)
    for county in sorted((c for c in others if c is not None and c not in counties), key=lambda c: (others[c], c)):
        if hidden == 0 or hidden >= minimum:
            break
        counties[county] = COMPLEMENTARY
        hidden += others[county]
    return Withheld(minimum=minimum, counties=counties, nation=0 < hidden < minimum, own=own)
