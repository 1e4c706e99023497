"""A year of the platform for the dashboard's tests and its benchmark, made through the gateway's API.

What a year holds, for `year` as of today: an agreement with a line of the year, shared equally by Dalarna's and
Stockholm's receivers; Dalarna requisitions, is paid, passes money on, reports its spending and repays part of
the unspent rest (an unpaid claim remains); Stockholm requisitions and is paid but its report is due yesterday
(an overdue report). Two rounds of the needs survey to municipalities of Dalarna and Stockholm (the previous
round a year earlier, so every figure has a change), answered by enough municipalities in each county that the
dashboard's role sees the figures; the year's county status reports, three counties in, one of them late.

Every call is the public API's; ids are fresh, so the same stack may hold several such years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

from tests.funding_requests import DALARNA, key, receiver, unique
from tests.surveys_requests import answer, needs_answers

STOCKHOLM_MUNICIPALITIES = ["0114", "0115", "0117", "0120", "0123", "0125"]
DALARNA_MUNICIPALITIES = [code for code, *_ in DALARNA]
STATUS_REPORT_POINTS = ["struktur", "politiskt-agarskap", "funktionsnedsattning", "halso-och-sjukvard",
                        "langsiktigt-atagande", "kontaktfunktion", "fou-miljoer", "alternativa-utforare",
                        "utvecklingsledare", "brukarmedverkan", "universitet", "verksamhetsnara-stod"]


@dataclass
class DashboardYear:
    year: int
    agreement_id: str = ""
    overdue_agreement_id: str = ""
    round_id: str = ""
    previous_round_id: str = ""
    status_report_counties: list[str] = field(default_factory=list)


def _ok(response: httpx.Response, *statuses: int) -> dict:
    assert response.status_code in (statuses or (200, 201)), f"{response.request.url}: {response.text}"
    return response.json()


def _agreement(gateway: httpx.Client, admin: dict[str, str], year: int, *, name: str, report_due: date) -> dict:
    agreement_id = unique(f"dashboard-{year}")
    return _ok(gateway.post("/funding/agreements", headers=admin, json={
        "id": agreement_id, "name": name, "registry_number": unique("S"),
        "first_year": year, "last_year": year, "areas": ["regional stödstruktur"],
        "lines": [{"id": f"{agreement_id}-stod", "area": "regional stödstruktur", "year": year,
                   "total": "21000000.00", "allocation_key": "equal",
                   "requisition_last_date": f"{year + 1}-06-30", "report_due_date": report_due.isoformat()}]}))


def _allocate(gateway: httpx.Client, admin: dict[str, str], agreement: dict, amount: int,
              receivers: list[dict[str, str]]) -> dict:
    line = agreement["lines"][0]["id"]
    return _ok(gateway.post(f"/funding/agreements/{agreement['id']}/lines/{line}/allocations",
                            headers={**admin, **key()},
                            json={"id": unique("alloc"), "total": f"{amount * len(receivers)}.00", "key": "equal",
                                  "recipients": [{"id": r["id"]} for r in receivers]}))


def _paid(gateway: httpx.Client, admin: dict[str, str], requester: dict[str, str], allocation: dict,
          who: dict[str, str], amount: str) -> dict:
    created = _ok(gateway.post("/funding/requisitions", headers={**requester, **key()}, json={
        "id": unique("req"), "allocation_id": allocation["id"], "recipient_id": who["id"], "amount": amount,
        "signed_by": who["signatory"]}))
    for step in ("approve", "pay"):
        done = _ok(gateway.post(f"/funding/requisitions/{created['id']}/{step}", headers={**admin, **key()}))
    return done


def make_funding(gateway: httpx.Client, admin: dict[str, str], county: dict[str, str], made: DashboardYear) -> None:
    year = made.year
    dalarna, stockholm = receiver(gateway, admin, "20"), receiver(gateway, admin, "01")
    agreement = _agreement(gateway, admin, year, name=f"Stöd till regionala stödstrukturer {year}",
                           report_due=date(2099, 12, 31))
    made.agreement_id = agreement["id"]
    allocation = _allocate(gateway, admin, agreement, 1_225_535, [dalarna, stockholm])
    _paid(gateway, admin, county, allocation, dalarna, "1000000.00")
    report = _ok(gateway.post("/funding/reports", headers={**county, **key()}, json={
        "id": unique("rapport"), "allocation_id": allocation["id"], "recipient_id": dalarna["id"],
        "spent": "900000.00", "comment": "Tre utvecklingsledare, Älvdalen–Avesta"}))
    claim = report["repayment_claim"]
    _ok(gateway.post(f"/funding/repayment-claims/{claim['id']}/repayments", headers={**admin, **key()},
                     json={"id": unique("ater"), "amount": "40000.00"}))
    # Stockholm's share of another agreement of the year, paid, with its report due yesterday and not sent.
    overdue = _agreement(gateway, admin, year, name=f"Kvinnofrid {year}", report_due=date.today() - timedelta(days=1))
    made.overdue_agreement_id = overdue["id"]
    overdue_allocation = _allocate(gateway, admin, overdue, 300_000, [stockholm])
    _paid(gateway, admin, admin, overdue_allocation, stockholm, "250000.50")


def make_surveys(gateway: httpx.Client, admin: dict[str, str], county: dict[str, str], made: DashboardYear) -> None:
    today = date.today()
    targets = {"organisation_ids": DALARNA_MUNICIPALITIES + STOCKHOLM_MUNICIPALITIES}
    rounds = []
    for opens_on, answering in ((today - timedelta(days=366), (4, 3)), (today - timedelta(days=1), (6, 4))):
        body = {"id": unique("behov"), "questionnaire_id": "behovsinventering", "version": 1,
                "title": f"Behovsinventering {opens_on.year}", "opens_on": opens_on.isoformat(),
                "closes_on": "2099-12-31", "targets": targets}
        created = _ok(gateway.post("/surveys/rounds", headers=admin, json=body))
        rounds.append(created["id"])
        in_dalarna, in_stockholm = answering
        for n, code in enumerate(DALARNA_MUNICIPALITIES[:in_dalarna]):
            _ok(answer(gateway, county, created["id"], code, needs_answers(n + len(rounds))))
        for n, code in enumerate(STOCKHOLM_MUNICIPALITIES[:in_stockholm]):
            _ok(answer(gateway, admin, created["id"], code, needs_answers(n + 3 * len(rounds))))
    made.previous_round_id, made.round_id = rounds


def status_report(n: int) -> dict:
    return {
        **{f"punkt.{p}": f"Länets redovisning av punkten {p}." for p in STATUS_REPORT_POINTS},
        "beslut.organ": "Regionens styrelse" if n % 2 == 0 else "Länsgemensam ledningsgrupp",
        "beslut.niva": ["politisk"] if n % 2 == 0 else ["tjansteman"],
        "beslut.omfang": ["regional"],
        "beslut.datum": f"{date.today().year}-01-15",
        "underskrifter.namn": "Exempel Firmatecknare",
        "underskrifter.roller": ["region-eller-forbundsdirektor"],
        "underskrifter.huvudman": ["kommunerna", "landstinget"],
    }


def make_status_reports(gateway: httpx.Client, admin: dict[str, str], county: dict[str, str],
                        made: DashboardYear) -> None:
    """The year's status reports, if the year has none yet: Dalarna and Stockholm on time, Uppsala late (submitted
    by a national administrator on a day after the due date)."""
    today = date.today()
    opened = gateway.post("/surveys/status-reports", headers=admin, json={
        "year": made.year, "opens_on": (today - timedelta(days=20)).isoformat(),
        "due_on": (today - timedelta(days=10)).isoformat(), "closes_on": "2099-12-31"})
    if opened.status_code == 409:  # the year is open already (another test made it): its reports stand
        return
    round_id = _ok(opened)["round_id"]
    _ok(answer(gateway, county, round_id, "county-20", status_report(0)))
    _ok(gateway.post(f"/surveys/rounds/{round_id}/responses", headers={**admin, **key()}, json={
        "respondent_id": "county-01", "answers": status_report(1), "submit": True,
        "submitted_on": (today - timedelta(days=12)).isoformat()}))
    _ok(gateway.post(f"/surveys/rounds/{round_id}/responses", headers={**admin, **key()}, json={
        "respondent_id": "county-03", "answers": status_report(2), "submit": True,
        "submitted_on": (today - timedelta(days=2)).isoformat()}))
    made.status_report_counties = ["20", "01", "03"]


def make_dashboard_year(gateway: httpx.Client, admin: dict[str, str], county: dict[str, str],
                        year: int | None = None) -> DashboardYear:
    made = DashboardYear(year=year or date.today().year)
    make_funding(gateway, admin, county, made)
    make_surveys(gateway, admin, county, made)
    make_status_reports(gateway, admin, county, made)
    return made
