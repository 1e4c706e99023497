"""The demo year: a year of the network's work that a national dashboard and the annual report can show.

`load_demo_year` drives the running platform through its gateway, over HTTP, with the public API an integrating
system uses, so every rule of the platform holds for it. For the year (by default the current one; no day after
today, where the API forbids one) it records:

* funding: Dalarna's and Stockholm's state stimulus agreements, their allocations computed by the platform's
  allocation engine (previewed, then decided), requisitions (paid, approved and not yet paid, submitted), an
  onward distribution to Dalarna's municipalities, a spending report whose unspent rest becomes a repayment claim,
  and a repayment of part of it, so the balances show every column somewhere;
* a national needs survey (the shipped `behovsinventering`) answered by about a third of the municipalities of
  every county, some needs chosen more often than others, and a smaller round of the year before, answered by
  about a fifth, so that the response rates and needs have last year's figures beside them;
* the year's status reports (lägesrapporter) from 12 of the 21 counties, ten on time and two after the due date,
  each with its deciding body, level and fictional signatories;
* a few partnership activities (`/reporting/activities`), when the platform has the reporting service.

Counties act with their own keys where they are given (their requisitions, distributions, reports, answers and
status reports, which a county system makes on the day it acts); the national administrator records the rest,
with the day each took effect. Every person named is one of `DEMO_PEOPLE`, plainly fictional.

Loading is idempotent: every record has a fixed id (and every POST that takes one a fixed `Idempotency-Key`), and
what exists is read before anything is made, so a second load makes nothing and says the year was already
loaded. The answers are chosen with a fixed random seed: the same every time.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

SEED = 20_261_206
NAMESPACE = uuid.UUID("1b0f3a52-7c4e-4d0a-9c1e-5e8a7f6d2b10")

# Every person the demo year names: plainly fictional, never an official from the seed documents.
DEMO_PEOPLE = [
    "Exempel Exempelsson", "Demo Demosdotter", "Testa Testsson", "Fiktiv Fiktivsson", "Påhittad Påhittadsson",
    "Prov Provström", "Modell Modellberg", "Låtsas Låtsasdal", "Exempla Exempeldotter", "Demo Demoberg",
    "Fiktiva Fiktivdotter", "Testa Provsson", "Modella Låtsasson", "Prova Exempelström", "Påhittad Demolund",
    "Låtsas Modellsson",
]

# The receivers of the state funds: organisations with a (fictional) organisation number and a signatory.
RECEIVERS = [  # id, kind, name, county, organisation number, signatory (person id, name)
    ("demo-receiver-20-rss", "region", "Region Dalarna, RSS-kansliet (demo)", "20", "902026-0023",
     ("demo-signatory-20-rss", "Exempel Exempelsson")),
    ("demo-receiver-20-fou", "university", "Högskolan Dalarna, FoU-samverkan (demo)", "20", "902026-0031",
     ("demo-signatory-20-fou", "Demo Demosdotter")),
    ("demo-receiver-01-rss", "municipal_association", "Storsthlm, RSS-kansliet (demo)", "01", "902026-0049",
     ("demo-signatory-01-rss", "Testa Testsson")),
    ("demo-receiver-01-region", "region", "Region Stockholm, psykiatri (demo)", "01", "902026-0056",
     ("demo-signatory-01-region", "Fiktiv Fiktivsson")),
]

FOCUS_AREAS = ["barn-och-unga", "digitalisering", "funktionshinder", "kvinnofrid", "missbruk-och-beroende",
               "systematisk-uppfoljning", "aldre"]
# Mean urgency (1-5) of each focus area, this year and the year before: older people and children first this
# year, digitalisation down from last year.
URGENCY = {
    "this": {"aldre": 4.1, "barn-och-unga": 3.9, "missbruk-och-beroende": 3.4, "systematisk-uppfoljning": 3.1,
             "kvinnofrid": 2.9, "funktionshinder": 2.6, "digitalisering": 2.2},
    "last": {"aldre": 3.5, "barn-och-unga": 3.8, "missbruk-och-beroende": 3.0, "systematisk-uppfoljning": 3.2,
             "kvinnofrid": 3.0, "funktionshinder": 2.7, "digitalisering": 3.4},
}
PROCESS_WEIGHTS = {"implementering": 6, "folja-upp-verksamheten": 5, "anvanda-kunskap": 3, "sprida-kunskap": 3,
                   "synliggora-brukares-kunskap": 2, "identifiera-kunskapsbehov": 2, "sammanstalla-kunskap": 1,
                   "synliggora-praktikens-kunskap": 1, "identifiera-kunskapsluckor": 1}
LEVEL_WEIGHTS = {"regional": 5, "lokal": 3, "nationell": 2}
MISSION_WEIGHTS = {"forbattringsarbete": 5, "uppfoljning-och-analys": 4, "kompetensutveckling": 3,
                   "samla-och-sprida": 2, "identifiera-behov": 1}
OTHER_NEEDS = [
    "Stöd i att följa upp insatser för äldre med flera diagnoser.",
    "Gemensamma utbildningar för handläggare inom barn och unga i länet.",
    "Hjälp att införa de nationella riktlinjerna för missbruk och beroende.",
    "Mer stöd till små kommuner i att ta fram och använda statistik.",
    "Nätverk för enhetschefer inom hemtjänsten.",
]

# The counties whose status report is in: ten on time, the last two after the due date.
REPORTING_COUNTIES = ["03", "05", "06", "12", "13", "14", "17", "18", "22", "24", "20", "01"]
LATE_COUNTIES = {"20", "01"}
DECISIONS = [  # deciding body, levels, scopes, signatories' roles, principals signed for
    ("Regionstyrelsen", ["politisk"], ["regional"], ["region-eller-forbundsdirektor", "kommunsidan"],
     ["kommunerna", "landstinget"]),
    ("Länets socialchefsnätverk", ["tjansteman"], ["regional"], ["forvaltningschef"], ["kommunerna"]),
    ("Kommunförbundets styrelse och länets chefsgrupp", ["politisk", "tjansteman"], ["regional"],
     ["fortroendevald", "landstingsdirektor"], ["kommunerna", "landstinget"]),
    ("Primärkommunala beredningen och varje kommun", ["politisk"], ["regional", "lokal"],
     ["region-eller-forbundsdirektor", "kommunsidan"], ["kommunerna", "landstinget"]),
]

SIGNATORY_TITLES = {"region-eller-forbundsdirektor": "regiondirektör",
                    "kommunsidan": "ordförande i länets socialchefsnätverk",
                    "landstingsdirektor": "hälso- och sjukvårdsdirektör", "fortroendevald": "styrelseordförande",
                    "forvaltningschef": "socialchef"}

ACTIVITIES = [  # title, kind, (month, day) start, (month, day) end, county, rss ids, network ids, description
    ("Partnerskapets årsmöte", "meeting", (5, 20), (5, 20), None, [], [],
     "Årsmöte för Partnerskapet med alla RSS, SKR och Socialstyrelsen: den nationella bilden av behoven."),
    ("Systematisk uppföljning i Dalarnas kommuner", "development_work", (3, 1), (11, 30), "20", ["rss-20"],
     ["network-systematisk-uppfoljning"],
     "Utvecklingsarbete med länets kommuner om gemensamma mått för uppföljning av socialtjänstens insatser."),
    ("Samordnat stöd till unga i Stockholms län", "promising_example", (4, 1), (9, 30), "01", ["rss-01"],
     ["network-barn-och-unga"],
     "Ett lovande exempel på samordnad individuell plan för unga, spritt till länets FoU-miljöer."),
    ("Nationell RSS-konferens", "conference", (10, 15), (10, 16), None, [], ["network-rss"],
     "Två dagar om kunskapsstyrning och brukarmedverkan för de 24 stödstrukturerna."),
]

SWEDEN = ZoneInfo("Europe/Stockholm")
Progress = Callable[[str], None]


class DemoLoadError(RuntimeError):
    """The platform refused a step of the demo year: the request and the problem it answered."""


@dataclass
class DemoSummary:
    """What the demo year holds once loaded (the same after a second load) and what this load made."""

    year: int
    already_loaded: bool = False
    created: int = 0
    receivers: int = 0
    agreements: int = 0
    allocations: int = 0
    distributions: int = 0
    requisitions_paid: int = 0
    requisitions_pending: int = 0
    spending_reports: int = 0
    repayments: int = 0
    needs_round_id: str = ""
    needs_targets: int = 0
    needs_responses: int = 0
    previous_round_id: str | None = None
    previous_responses: int = 0
    status_reports: int = 0
    status_reports_on_time: int = 0
    status_reports_late: int = 0
    activities: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def load_demo_year(base_url: str, admin_key: str, county_keys: dict[str, str] | None = None, *,
                   year: int | None = None, progress: Progress | None = None) -> DemoSummary:
    """Loads the demo year through the gateway at `base_url`: the national administrator's key, and the keys of
    the county systems that act for themselves (`{"20": key, "01": key}`; a county without one is recorded by the
    administrator). Returns what the year holds; `already_loaded` when this load made nothing."""
    started = time.monotonic()
    today = _today()
    year = year or today.year
    if year > today.year:
        raise ValueError(f"The demo year {year} is after this year: its records cannot take effect in the future.")
    if year < 2022:
        raise ValueError("The demo year needs the registry's populations of the year before it (2021 on).")
    say = progress or (lambda _line: None)
    with httpx.Client(base_url=base_url, timeout=60) as http:
        loader = _Loader(_Api(http, admin_key), county_keys or {}, _Calendar(year, today), say)
        summary = loader.run()
    summary.seconds = round(time.monotonic() - started, 1)
    summary.already_loaded = summary.created == 0
    outcome = ("already loaded" if summary.already_loaded else f"loaded ({summary.created} records made)")
    say(f"Demo year {year}: {outcome} in {summary.seconds:g} s")
    return summary


def _today() -> date:
    """The last day anything may take effect: today as every service counts it (funding's local day, surveys'
    Swedish one), whichever comes first."""
    return min(date.today(), datetime.now(SWEDEN).date())


def idempotency_key(*parts: object) -> str:
    """The same key for the same step of the same year, on every load."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


@dataclass(frozen=True)
class _Calendar:
    """Days of the demo year: never after today, in the year's order when the year is not over."""

    year: int
    today: date

    @property
    def last(self) -> date:
        return min(self.today, date(self.year, 12, 31))

    @property
    def current(self) -> bool:
        return self.last == self.today

    def on(self, month: int, day: int, year: int | None = None) -> date:
        return min(date(year or self.year, month, day), self.last)

    @staticmethod
    def between(first: date, last: date, i: int, n: int) -> date:
        """The i-th of n days spread evenly from `first` to `last` (both included)."""
        span = max((last - first).days, 0)
        return first + timedelta(days=round(span * i / max(n - 1, 1)))

    def dated(self, field_name: str, day: date) -> dict[str, str]:
        """The field naming the day a fact took effect; left out for today, which each service takes as its own."""
        return {} if day >= self.today else {field_name: day.isoformat()}


class _Api:
    """Calls through the gateway, each with the key it acts with; a refusal is a DemoLoadError naming it."""

    def __init__(self, http: httpx.Client, admin_key: str) -> None:
        self.http = http
        self.admin = admin_key

    def call(self, method: str, path: str, *, key: str | None = None, body: Any = None,
             params: dict[str, Any] | None = None, idempotency: str | None = None,
             expect: Iterable[int] = (200, 201)) -> httpx.Response:
        headers = {"X-API-Key": key or self.admin}
        if idempotency is not None:
            headers["Idempotency-Key"] = idempotency
        for attempt in range(6):
            response = self.http.request(method, path, headers=headers, json=body, params=params)
            if response.status_code not in (429, 503) or attempt == 5:
                break
            time.sleep(min(float(response.headers.get("retry-after", "1") or 1), 10.0))
        if response.status_code not in tuple(expect):
            raise DemoLoadError(f"{method} {path} answered {response.status_code}: {_problem_text(response)}")
        return response

    def get(self, path: str, *, key: str | None = None, params: dict[str, Any] | None = None) -> Any:
        return self.call("GET", path, key=key, params=params, expect=(200,)).json()

    def find(self, path: str, *, key: str | None = None) -> Any | None:
        """The record at `path`, or None when there is none (404)."""
        response = self.call("GET", path, key=key, expect=(200, 404))
        return response.json() if response.status_code == 200 else None

    def every(self, path: str, *, key: str | None = None, params: dict[str, Any] | None = None) -> list[Any]:
        """Every item of a paged list, following next_page."""
        page = self.get(path, key=key, params={"limit": 500, **(params or {})})
        items = list(page["items"])
        while page.get("next_page"):
            page = self.get(page["next_page"], key=key)
            items.extend(page["items"])
        return items


def _problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if not isinstance(body, dict):
        return response.text[:300]
    errors = "; ".join(f"{e.get('field')}: {e.get('rule')}" for e in body.get("errors") or [])
    return f"{body.get('detail') or body.get('title')}" + (f" ({errors})" if errors else "")


def _kronor(ore: int) -> str:
    return f"{ore // 100}.{ore % 100:02d}"


def _ore(amount: str) -> int:
    kronor, _, fraction = amount.partition(".")
    return int(kronor) * 100 + int((fraction + "00")[:2])


class _Loader:
    def __init__(self, api: _Api, county_keys: dict[str, str], calendar: _Calendar, say: Progress) -> None:
        self.api = api
        self.county_keys = {code.removeprefix("county-"): key for code, key in county_keys.items()}
        self.cal = calendar
        self.say = say
        self.year = calendar.year
        self.summary = DemoSummary(year=calendar.year)
        self.municipalities: list[dict[str, Any]] = []
        self.county_names: dict[str, str] = {}

    def run(self) -> DemoSummary:
        self.say(f"Demo year {self.year}: loading through the gateway ...")
        self.municipalities = sorted(self.api.every("/actors/municipalities"), key=lambda m: m["code"])
        self.county_names = {c["code"]: c["name"] for c in self.api.every("/actors/counties")}
        self.receivers()
        self.funding()
        self.needs_survey()
        self.status_reports()
        self.activities()
        return self.summary

    # --- who acts, on which day ---

    def county_act(self, county: str, preferred: date) -> tuple[str, date]:
        """The key and day of a county's act: its own key, today, when it has one and the year is this year;
        otherwise the national administrator records it on the preferred day."""
        if self.cal.current and county in self.county_keys:
            return self.county_keys[county], self.cal.today
        return self.api.admin, min(preferred, self.cal.last)

    def made(self, what: str, count: int = 1) -> None:
        self.summary.created += count
        if count:
            self.say(f"  {what}")

    # --- the actor registry: the receivers of the money ---

    def receivers(self) -> None:
        made = 0
        for receiver_id, kind, name, county, number, (person_id, person) in RECEIVERS:
            given, family = person.split(" ", 1)
            post_id = f"{receiver_id}-signatory"
            for path, body in (
                    ("/actors/organisations", {"id": receiver_id, "kind": kind, "name": name, "county_code": county,
                                               "identifiers": [{"scheme": "org_number", "value": number}]}),
                    ("/actors/people", {"id": person_id, "given_name": given, "family_name": family}),
                    ("/actors/posts", {"id": post_id, "organisation_id": receiver_id, "role": "signatory",
                                       "label": "Firmatecknare"}),
                    ("/actors/memberships", {"id": f"{person_id}-2020", "post_id": post_id, "person_id": person_id,
                                             "valid_from": "2020-01-01"})):
                # A create with the id and content of a stored record answers it (200): nothing changes.
                made += self.api.call("POST", path, body=body).status_code == 201
        self.summary.receivers = len(RECEIVERS)
        self.made(f"registry: {len(RECEIVERS)} receivers of state funds with their signatories", made)

    # --- funding ---

    def funding(self) -> None:
        y = self.year
        dalarna = self.agreement("dalarna", f"RSS Dalarna {y}: utvecklingsledare och FoU-stöd", "20",
                                 total=300_000_000, key="percentage", area="regional stödstruktur",
                                 conditions="Tre utvecklingsledare och kunskapsstöd från högskolan.")
        stockholm = self.agreement("stockholm", f"Psykisk hälsa i Stockholms län {y}", "01",
                                   total=360_000_000, key="equal", area="psykisk hälsa",
                                   conditions="Delas lika mellan kommunerna (genom Storsthlm) och regionen.")
        allocated_on = self.cal.on(2, 15)
        alloc_20 = self.allocation(dalarna, f"demo-{y}-dalarna-fordelning", allocated_on, {
            "total": "2400000.00", "key": "percentage",
            "recipients": [{"id": "demo-receiver-20-rss", "percent": "75"},
                           {"id": "demo-receiver-20-fou", "percent": "25"}]})
        alloc_01 = self.allocation(stockholm, f"demo-{y}-stockholm-fordelning", allocated_on, {
            "total": "3600000.00", "key": "equal",
            "recipients": [{"id": "demo-receiver-01-rss"}, {"id": "demo-receiver-01-region"}]})
        self.summary.allocations = 2
        self.summary.agreements = 2
        paid_20 = self.requisition(alloc_20, f"demo-{y}-dalarna-rek-1", "demo-receiver-20-rss", "20",
                                   "1200000.00", (4, 10), "paid")
        self.requisition(alloc_20, f"demo-{y}-dalarna-rek-fou", "demo-receiver-20-fou", "20", "600000.00",
                         (4, 12), "paid")
        self.requisition(alloc_20, f"demo-{y}-dalarna-rek-2", "demo-receiver-20-rss", "20", "400000.00",
                         (11, 20), "submitted")
        self.requisition(alloc_01, f"demo-{y}-stockholm-rek-1", "demo-receiver-01-rss", "01", "1800000.00",
                         (3, 20), "paid")
        self.requisition(alloc_01, f"demo-{y}-stockholm-rek-region", "demo-receiver-01-region", "01",
                         "900000.00", (11, 25), "approved")
        self.summary.requisitions_paid = 3
        self.summary.requisitions_pending = 2
        self.distribution(alloc_20, paid_20)
        self.spending_report(alloc_20)

    def agreement(self, slug: str, name: str, county: str, *, total: int, key: str, area: str,
                  conditions: str) -> dict[str, Any]:
        y = self.year
        agreement_id = f"demo-{y}-{slug}"
        if (found := self.api.find(f"/funding/agreements/{agreement_id}")) is not None:
            return found
        body = {"id": agreement_id, "name": name, "registry_number": f"DEMO-S{y}/00{county}", "first_year": y,
                "last_year": y, "areas": [area],
                "lines": [{"id": f"{agreement_id}-{y}", "area": area, "year": y, "total": _kronor(total),
                           "allocation_key": key, "requisition_last_date": f"{y}-12-31",
                           "report_due_date": f"{y + 1}-03-31", "conditions": conditions}]}
        created = self.api.call("POST", "/funding/agreements", body=body).json()
        self.made(f"funding: agreement {agreement_id} ({name}), {_kronor(total)} kr")
        return created

    def allocation(self, agreement: dict[str, Any], allocation_id: str, on: date,
                   body: dict[str, Any]) -> dict[str, Any]:
        """A split of the agreement's line by the allocation engine: previewed, then decided as previewed."""
        if (found := self.api.find(f"/funding/allocations/{allocation_id}")) is not None:
            return found
        line = agreement["lines"][0]
        path = f"/funding/agreements/{agreement['id']}/lines/{line['id']}/allocations"
        body = {**body, **self.cal.dated("allocated_on", on)}
        preview = self.api.call("POST", path + "/preview", body=body).json()
        decided = self.api.call("POST", path, body={"id": allocation_id, **body},
                                idempotency=idempotency_key(self.year, allocation_id)).json()
        if [s["amount"] for s in decided["shares"]] != [s["amount"] for s in preview["shares"]]:
            raise DemoLoadError(f"Allocation {allocation_id} was decided otherwise than previewed.")
        shares = ", ".join(f"{s['name']} {s['amount']}" for s in decided["shares"])
        self.made(f"funding: allocation {allocation_id} ({decided['key']}): {shares}")
        return decided

    def requisition(self, allocation: dict[str, Any], requisition_id: str, receiver: str, county: str,
                    amount: str, preferred: tuple[int, int], goal: str) -> dict[str, Any]:
        """A requisition by the receiver's county, taken by the agency as far as `goal` (submitted, approved,
        paid); one left on the way by an earlier load is taken further."""
        signatory = next(person for r_id, *_, (person, _name) in RECEIVERS if r_id == receiver)
        requisition = self.api.find(f"/funding/requisitions/{requisition_id}")
        if requisition is None:
            key, day = self.county_act(county, self.cal.on(*preferred))
            body = {"id": requisition_id, "allocation_id": allocation["id"], "recipient_id": receiver,
                    "amount": amount, "signed_by": signatory, **self.cal.dated("requested_on", day)}
            requisition = self.api.call("POST", "/funding/requisitions", key=key, body=body,
                                        idempotency=idempotency_key(self.year, requisition_id)).json()
            self.made(f"funding: requisition {requisition_id}, {amount} kr by {receiver}")
        steps = {"submitted": [], "approved": ["approve"], "paid": ["approve", "pay"]}[goal]
        day = date.fromisoformat(requisition["requisition_date"])
        for step, field_name, later in (("approve", "decided_on", 5), ("pay", "paid_on", 10)):
            done = {"approve": ("approved", "paid"), "pay": ("paid",)}[step]
            if step not in steps or requisition["status"] in done:
                continue
            on = min(day + timedelta(days=later), self.cal.last)
            requisition = self.api.call("POST", f"/funding/requisitions/{requisition_id}/{step}",
                                        body=self.cal.dated(field_name, on),
                                        idempotency=idempotency_key(self.year, requisition_id, step)).json()
            self.made(f"funding: requisition {requisition_id} {requisition['status']}")
        return requisition

    def distribution(self, allocation: dict[str, Any], paid: dict[str, Any]) -> None:
        """Dalarna's RSS office passes half of what it was paid on to the county's municipalities, by their
        populations in the registry."""
        distribution_id = f"demo-{self.year}-dalarna-kommuner"
        self.summary.distributions = 1
        if self.api.find(f"/funding/allocations/{distribution_id}") is not None:
            return
        key, day = self.county_act("20", max(self.cal.on(6, 1), date.fromisoformat(paid["paid_on"])))
        path = f"/funding/allocations/{allocation['id']}/shares/demo-receiver-20-rss/distributions"
        body = {"total": _kronor(_ore(paid["amount"]) // 2), "key": "population",
                "basis_year": min(self.year - 1, 2023),
                "recipients": [{"id": m["code"]} for m in self.municipalities if m["county_code"] == "20"],
                **self.cal.dated("allocated_on", day)}
        preview = self.api.call("POST", path + "/preview", key=key, body=body).json()
        decided = self.api.call("POST", path, key=key, body={"id": distribution_id, **body},
                                idempotency=idempotency_key(self.year, distribution_id)).json()
        if decided["sum"] != preview["sum"]:
            raise DemoLoadError(f"Distribution {distribution_id} was decided otherwise than previewed.")
        self.made(f"funding: distribution {distribution_id}, {decided['sum']} kr to "
                  f"{len(decided['shares'])} municipalities by population")

    def spending_report(self, allocation: dict[str, Any]) -> None:
        """The college reports what it spent of its share; the unspent rest is claimed back and partly repaid."""
        report_id = f"demo-{self.year}-dalarna-fou-rapport"
        self.summary.spending_reports = 1
        self.summary.repayments = 1
        report = self.api.find(f"/funding/reports/{report_id}")
        if report is None:
            paid = self.api.get(f"/funding/requisitions/demo-{self.year}-dalarna-rek-fou")
            key, day = self.county_act("20", max(self.cal.on(11, 15), date.fromisoformat(paid["paid_on"])))
            body = {"id": report_id, "allocation_id": allocation["id"], "recipient_id": "demo-receiver-20-fou",
                    "spent": "540000.00", "comment": "Kunskapsstöd till länets kommuner; en tjänst tillsattes "
                                                     "först i mars.", **self.cal.dated("reported_on", day)}
            report = self.api.call("POST", "/funding/reports", key=key, body=body,
                                   idempotency=idempotency_key(self.year, report_id)).json()
            self.made(f"funding: spending report {report_id}: spent {report['spent']}, unspent "
                      f"{report['unspent']} claimed back")
        claim = self.api.get(f"/funding/repayment-claims/{report_id}")
        repayment_id = f"demo-{self.year}-dalarna-fou-ater"
        if not any(r["id"] == repayment_id for r in claim.get("repayments") or []):
            on = min(date.fromisoformat(claim["claimed_on"]) + timedelta(days=20), self.cal.last)
            self.api.call("POST", f"/funding/repayment-claims/{report_id}/repayments",
                          body={"id": repayment_id, "amount": "40000.00", **self.cal.dated("repaid_on", on)},
                          idempotency=idempotency_key(self.year, repayment_id))
            self.made(f"funding: repayment {repayment_id}, 40000.00 kr of the {claim['amount']} kr claimed")

    # --- needs surveys ---

    def needs_survey(self) -> None:
        y = self.year
        version = self.api.get("/surveys/questionnaires/behovsinventering")["version"]
        # Last year's figures: the demo year before this one when it was loaded (a platform run into a new
        # year), otherwise a smaller round of last year, answered by about a fifth.
        previous = self.api.find(f"/surveys/rounds/demo-behov-{y - 1}")
        if previous is not None:
            rates = self.api.get(f"/surveys/rounds/{previous['id']}/response-rates")
            self.summary.previous_responses = rates["nation"]["submitted"]
        else:
            previous = self.needs_round(f"demo-behov-{y - 1}-urval", f"Behovsinventering {y - 1} (urval)",
                                        version, opens_on=date(y - 1, 9, 1), closes_on=date(y - 1, 10, 31))
            self.summary.previous_responses = self.needs_answers(previous, share=1 / 5, weights="last",
                                                                 last_day=date(y - 1, 10, 31))
        self.summary.previous_round_id = previous["id"]
        current = self.needs_round(f"demo-behov-{y}", f"Behovsinventering inför {y + 1} (nationell)", version,
                                   opens_on=self.cal.on(9, 1), closes_on=date(y, 12, 31))
        self.summary.needs_round_id = current["id"]
        self.summary.needs_targets = current["targets"]
        self.summary.needs_responses = self.needs_answers(current, share=1 / 3, weights="this",
                                                          last_day=self.cal.last)

    def needs_round(self, round_id: str, title: str, version: int, *, opens_on: date,
                    closes_on: date) -> dict[str, Any]:
        if (found := self.api.find(f"/surveys/rounds/{round_id}")) is not None:
            return found
        created = self.api.call("POST", "/surveys/rounds", body={
            "id": round_id, "questionnaire_id": "behovsinventering", "version": version, "title": title,
            "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
            "targets": {"kind": "municipality"}}).json()
        self.made(f"surveys: round {round_id} ({title}) sent to {created['targets']} municipalities")
        return created

    def needs_answers(self, round_: dict[str, Any], *, share: float, weights: str, last_day: date) -> int:
        """Answers from about `share` of each county's municipalities (the same ones on every load), each dated
        within the round; a county with its own key answers for its municipalities today, in an open round."""
        rng = random.Random(f"{SEED}/{round_['id']}")
        chosen: list[dict[str, Any]] = []
        for county in sorted({m["county_code"] for m in self.municipalities}):
            in_county = [m for m in self.municipalities if m["county_code"] == county]
            chosen.extend(rng.sample(in_county, max(1, round(len(in_county) * share))))
        answered = {r["respondent_id"] for r in self.api.every(f"/surveys/rounds/{round_['id']}/responses")}
        opens_on = date.fromisoformat(round_["opens_on"])
        open_now = round_["status"] == "open"
        first, last = opens_on, min(last_day, date.fromisoformat(round_["closes_on"]))
        if last >= self.cal.today:  # the administrator's dated answers come before today's
            last = max(first, self.cal.today - timedelta(days=1))
        made = 0
        for n, municipality in enumerate(chosen):
            answers = _needs_answers(rng, weights)  # drawn for every one, so the draw is the same every time
            if municipality["code"] in answered:
                continue
            county = municipality["county_code"]
            if open_now and self.cal.current and county in self.county_keys:
                key, dated = self.county_keys[county], {}
            else:
                key, dated = self.api.admin, self.cal.dated("submitted_on", _Calendar.between(first, last, n,
                                                                                             len(chosen)))
            self.api.call("POST", f"/surveys/rounds/{round_['id']}/responses", key=key,
                          body={"respondent_id": municipality["code"], "submit": True, "answers": answers, **dated},
                          idempotency=idempotency_key(round_["id"], municipality["code"]))
            made += 1
        self.made(f"surveys: {made} answers to {round_['id']} ({len(chosen)} of {round_['targets']})", made)
        return len(chosen)

    # --- status reports ---

    def status_reports(self) -> None:
        y = self.year
        # Open in October and due at the end of November; early in a year, open ten days and due three days
        # before today, so that a report can still come in after the due date.
        opens_on = max(date(y, 1, 1), min(date(y, 10, 1), self.cal.last - timedelta(days=10)))
        due_on = max(opens_on, min(date(y, 11, 30), self.cal.last - timedelta(days=3)))
        compilation = self.api.find(f"/surveys/status-reports/{y}")
        if compilation is None:
            self.api.call("POST", "/surveys/status-reports",
                          body={"year": y, "opens_on": opens_on.isoformat(), "due_on": due_on.isoformat()})
            self.made(f"surveys: reporting year {y} opened, due {due_on.isoformat()}")
            compilation = self.api.get(f"/surveys/status-reports/{y}")
        else:  # opened before: its own dates
            due_on = date.fromisoformat(compilation["due_on"])
            opens_on = date.fromisoformat(self.api.get(f"/surveys/rounds/{compilation['round_id']}")["opens_on"])
        submitted = {c["county_code"] for c in compilation["counties"] if c["status"] == "submitted"}
        on_time = [c for c in REPORTING_COUNTIES if c not in LATE_COUNTIES]
        made = 0
        for n, county in enumerate(REPORTING_COUNTIES):
            if county in submitted:
                continue
            if county in LATE_COUNTIES:
                key, day = self.county_act(county, self.cal.last)
            else:
                key, day = self.api.admin, _Calendar.between(opens_on, due_on, n, len(on_time))
            answers = _status_report(county, self.county_names.get(county, county), n, day, y)
            self.api.call("POST", f"/surveys/rounds/{compilation['round_id']}/responses", key=key,
                          body={"respondent_id": f"county-{county}", "submit": True, "answers": answers,
                                **({} if key != self.api.admin else self.cal.dated("submitted_on", day))},
                          idempotency=idempotency_key(compilation["round_id"], county))
            made += 1
        self.made(f"surveys: {made} status reports for {y}", made)
        compilation = self.api.get(f"/surveys/status-reports/{y}")
        self.summary.status_reports = compilation["submitted"]
        self.summary.status_reports_on_time = compilation["on_time"]
        self.summary.status_reports_late = compilation["after_due"]

    # --- partnership activities (the reporting service) ---

    def activities(self) -> None:
        y = self.year
        probe = self.api.call("GET", "/reporting/activities", params={"year": y, "limit": 1}, expect=(200, 404))
        if probe.status_code == 404:
            self.summary.notes.append("Partnership activities skipped: the platform has no reporting service "
                                      "(/reporting answered 404).")
            self.say("  reporting: no /reporting service here; activities skipped")
            return
        existing = {a["title"] for a in self.api.every("/reporting/activities", params={"year": y})}
        made = 0
        for title, kind, start, end, county, rss_ids, network_ids, description in ACTIVITIES:
            title = f"{title} {y}"
            if title in existing:
                continue
            key = self.county_keys.get(county, self.api.admin) if county else self.api.admin
            starts_on, ends_on = self.cal.on(*start), self.cal.on(*end)
            try:
                self.api.call("POST", "/reporting/activities", key=key, body={
                    "title": title, "kind": kind, "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(), "county_code": county, "rss_ids": rss_ids,
                    "network_ids": network_ids, "description": description},
                    idempotency=idempotency_key(y, "activity", title))
            except DemoLoadError as refused:  # the rest of the year stands without it
                self.summary.notes.append(f"Activity {title!r} not recorded: {refused}")
                self.say(f"  reporting: activity {title!r} not recorded: {refused}")
                continue
            existing.add(title)
            made += 1
        self.summary.activities = sum(f"{a[0]} {y}" in existing for a in ACTIVITIES)
        self.made(f"reporting: {made} partnership activities", made)


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    """k distinct codes, the heavier more often."""
    pool = dict(weights)
    chosen = []
    for _ in range(min(k, len(pool))):
        code = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(code)
        del pool[code]
    return chosen


def _needs_answers(rng: random.Random, weights: str) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for area in FOCUS_AREAS:
        urgency = min(5, max(1, round(rng.gauss(URGENCY[weights][area], 0.9))))
        answers[f"behov.{area}.angelagenhet"] = urgency
        if urgency >= 3:
            answers[f"behov.{area}.processer"] = _weighted(rng, PROCESS_WEIGHTS, rng.choice([1, 1, 2]))
            answers[f"behov.{area}.niva"] = _weighted(rng, LEVEL_WEIGHTS, 1)[0]
    answers["uppdrag.rangordning"] = _weighted(rng, MISSION_WEIGHTS, len(MISSION_WEIGHTS))
    if rng.random() < 0.25:
        answers["ovrigt"] = rng.choice(OTHER_NEEDS)
    return answers


def _status_report(county: str, name: str, n: int, submitted_on: date, year: int) -> dict[str, Any]:
    """A county's status report on the shipped template: the twelve points, the plan's aspects, the decision and
    its signatories (fictional people)."""
    body, levels, scopes, roles, principals = DECISIONS[n % len(DECISIONS)]
    signed = [f"{DEMO_PEOPLE[(2 * n + 4 + i) % len(DEMO_PEOPLE)]}, {SIGNATORY_TITLES[role]}"
              for i, role in enumerate(roles)]
    decided_on = max(date(year, 1, 1), submitted_on - timedelta(days=7))
    return {
        "punkt.struktur": f"Stödstrukturen i {name} har ett gemensamt kansli med regionen som arbetsgivare.",
        "punkt.politiskt-agarskap": "Kommunerna och regionen äger strukturen gemensamt genom en politisk "
                                    "samverkansgrupp.",
        "punkt.funktionsnedsattning": "Ett länsnätverk för stöd till personer med funktionsnedsättning möts "
                                      "fyra gånger om året.",
        "punkt.halso-och-sjukvard": "Hälso- och sjukvården deltar i styrgruppen och i de länsgemensamma "
                                    "nätverken.",
        "punkt.langsiktigt-atagande": f"Huvudmännen finansierar strukturen enligt avtal som gäller {year}-"
                                      f"{year + 2}.",
        "punkt.kontaktfunktion": "Kansliets funktionsbrevlåda är länets kontaktfunktion till SKR.",
        "punkt.fou-miljoer": "Länets FoU-miljö ingår i stödstrukturen och leder uppföljningsarbetet.",
        "punkt.alternativa-utforare": "Privata utförare bjuds in till nätverk och utbildningar.",
        "punkt.utvecklingsledare": "Utvecklingsledarna är anställda vid kansliet, en per fokusområde.",
        "punkt.brukarmedverkan": "Brukarorganisationer deltar i referensgruppen.",
        "punkt.universitet": "Samarbete med lärosätet om praktiknära forskning.",
        "punkt.verksamhetsnara-stod": "Handledning, metodstöd och stöd i Öppna jämförelser till kommunerna.",
        "plan.brukarmedverkan-framat": "Brukarnas medverkan ska finnas i varje länsnätverk nästa år.",
        "beslut.organ": body,
        "beslut.niva": levels,
        "beslut.omfang": scopes,
        "beslut.datum": decided_on.isoformat(),
        "underskrifter.namn": "\n".join(signed),
        "underskrifter.roller": roles,
        "underskrifter.huvudman": principals,
    }
