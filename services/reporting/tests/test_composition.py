"""The annual report's composition in-process, over a small fake platform (platform_fake.py): the parts made from
what the services answer (money in öre per agreement and county, response rates beside the year before, needs in
surveys' order, the RSS with host and contact point, seats held and vacant), the figures' Swedish sentences, the
content hash that ignores version and time, an empty year, and a service that is down failing the composition."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import date

import pytest

from services.reporting.composition.activities import ActivityFact
from services.reporting.composition.compose import Composer, together
from services.reporting.composition.document import (
    Column,
    Part,
    Source,
    Table,
    assemble,
    content_hash,
    finished,
    percent,
)
from services.reporting.composition.funding import ore
from services.reporting.composition.status_reports import status_part
from services.reporting.composition.surveys import Compilation, CountyReport, Tally
from services.reporting.composition.wording import grouped, kronor, of
from services.reporting.tests.platform_fake import YEAR, FakePlatform
from shared.records import utcnow
from shared.service_client import PlatformUnavailable

pytestmark = pytest.mark.anyio
ON = date(2024, 12, 31)
NBSP = "\u00a0"


def composer(platform: FakePlatform, concurrency: int = 4) -> Composer:
    return Composer(platform, concurrency=concurrency,  # type: ignore[arg-type]
                    schema_url="https://rss.example.se/reporting/schemas/annual-report-v1.json")


def rows(document: dict, name: str) -> list[dict]:
    return next(t for t in document["tables"] if t["name"] == name)["rows"]


def figures(document: dict) -> dict[str, dict]:
    return {f["key"]: f for f in document["figures"]}


async def composed(platform: FakePlatform, activities: list[ActivityFact] | None = None,
                   concurrency: int = 4) -> dict:
    composition = await composer(platform, concurrency).compose(YEAR, ON, activities or [])
    assert composition.calls == len(platform.asked)
    return composition.document


def test_amounts_and_sentences_in_swedish() -> None:
    assert ore("-774465.00") == -77446500 and ore("1225535.5") == 122553550
    assert grouped(1225535) == f"1{NBSP}225{NBSP}535" and grouped(999) == "999"
    assert kronor(122553500) == f"1{NBSP}225{NBSP}535{NBSP}kr" and kronor(5050) == f"50,50{NBSP}kr"
    assert kronor(-100) == f"-1{NBSP}kr"
    assert of(12, 21, "län", "har lämnat lägesrapport") == "12 av 21 län har lämnat lägesrapport"
    assert percent(9, 15) == 60.0 and percent(2, 3) == 66.7 and percent(1, 0) is None


def test_the_content_hash_is_of_the_facts_not_of_the_version_or_the_time() -> None:
    totals = Table("national_totals", "Summor", "s", (Column("rss", "RSS", "integer"),), [{"rss": 24}])
    with pytest.raises(ValueError, match="not listed"):
        assemble(schema_url="https://x/s.json", year=2024, as_of=ON, parts=[Part(tables=[totals])], notes=[])
    part = Part(tables=[totals], sources=[Source("s", "actors", "/actors/counties", ON)])
    document = assemble(schema_url="https://x/s.json", year=2024, as_of=ON, parts=[part], notes=["Å ä ö"])
    first = finished(document, version=1, generated_at=utcnow())
    second = finished(document, version=7, generated_at=utcnow())
    assert first["content_hash"] == second["content_hash"] == content_hash(document) == content_hash(first)
    assert first["content_hash"].startswith("sha256:") and len(first["content_hash"]) == 71
    assert list(first)[:6] == ["schema", "year", "as_of", "version", "generated_at", "content_hash"]
    changed = assemble(schema_url="https://x/s.json", year=2024, as_of=date(2025, 1, 1), parts=[part], notes=[])
    assert content_hash(changed) != content_hash(document)
    assert document["empty"] is True  # no part holds data of the year
    with pytest.raises(ValueError, match="not its columns"):
        Table("x", "x", "s", (Column("a", "A", "string"),), [{"b": 1}]).as_dict()


async def test_a_receiver_recomputes_the_hash_with_any_json_library() -> None:
    """The contract's canonical form (sorted keys, no whitespace, UTF-8) as Python's json writes it gives the same
    hash as the service's, over a whole document with Swedish text, amounts and percentages."""
    document = finished(await composed(FakePlatform()), version=3, generated_at=utcnow())
    facts = {key: value for key, value in document.items() if key not in ("version", "generated_at", "content_hash")}
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert document["content_hash"] == "sha256:" + hashlib.sha256(canonical).hexdigest()


async def test_the_money_is_funding_s_in_ore_per_agreement_and_county() -> None:
    platform = FakePlatform()
    document = await composed(platform)
    money = {r["county_code"]: r for r in rows(document, "money")}
    assert money["20"] == {"agreement_id": "stod-2024", "registry_number": "S2024/1", "county_code": "20",
                           "allocated": 100_000_000, "requisitioned": 40_000_000, "paid": 40_000_000,
                           "reported_spent": 35_000_000, "repaid": 1_000_050, "outstanding": 3_999_950,
                           "ledger_verified": True}
    assert money["01"]["allocated"] == 100_000_000 and money["01"]["paid"] == 0
    found = figures(document)
    assert found["counties_allocated"]["text"] == "2 av 2 län har tilldelats medel av 2024 års överenskommelser"
    assert found["counties_requisitioned"]["text"] == "1 av 2 län som tilldelats medel har rekvirerat"
    assert found["money_allocated"]["value"] == 200_000_000
    assert found["money_allocated"]["text"] == f"Fördelat av 2024 års medel: 2{NBSP}000{NBSP}000{NBSP}kr"
    assert found["money_outstanding"]["text"] == \
        f"Kvar att återbetala: 39{NBSP}999,50{NBSP}kr av 50{NBSP}000{NBSP}kr återkrävt"
    assert found["ledgers_verified"]["text"] == "1 av 1 överenskommelsers huvudböcker är intakta (kedja och summor)"
    totals = rows(document, "national_totals")[0]
    assert (totals["allocated"], totals["outstanding"], totals["rss"], totals["counties"]) == (
        200_000_000, 3_999_950, 2, 2)
    assert "/funding/agreements/stod-2024/ledger/verify" in platform.asked


async def test_the_structure_is_the_registry_s_on_the_day() -> None:
    document = await composed(FakePlatform(), [ActivityFact(
        id="a1", title="Länsträff", kind="meeting", starts_on=date(2024, 3, 1), ends_on=date(2024, 3, 1),
        county_code="01", rss_ids=("rss-01",), network_ids=("network-aldre",))])
    rss = {r["county_code"]: r for r in rows(document, "rss")}
    assert rss["20"] == {"county_code": "20", "county_name": "Dalarnas län", "rss_id": "rss-20",
                         "rss_name": "RSS Dalarna", "host": "Region Dalarna", "employer": None,
                         "contact_point": "rss@20.example.se"}
    assert rss["01"]["host"] is None
    seats = rows(document, "representatives")
    assert [(s["county_code"], s["network"], s["post"], s["representative"], s["vacant"]) for s in seats] == [
        ("01", "Äldre", "Ordinarie ledamot", None, True), ("20", "Äldre", "Ordinarie ledamot",
                                                          "Exempel Exempelsson", False)]
    taking_part = {r["county_code"]: (r["networks"], r["vacant_seats"], r["activities"], r["taking_part"])
                   for r in rows(document, "participation")}
    assert taking_part == {"01": (0, 1, 1, True), "20": (1, 0, 0, True)}
    found = figures(document)
    assert found["rss_with_host"]["text"] == \
        "1 av 2 RSS har en känd värdorganisation eller arbetsgivare den 2024-12-31"
    assert found["seats_held"]["text"] == "1 av 2 platser i nationella nätverk och grupper är besatta"
    activity = rows(document, "activities")[0]
    assert (activity["kind"], activity["rss"], activity["networks"]) == ("Möte", "RSS Stockholms län", "Äldre")


async def test_the_needs_beside_the_year_before_in_surveys_order() -> None:
    document = await composed(FakePlatform())
    rates = {r["county_code"]: r for r in rows(document, "survey_response_rates")}
    assert rates["20"] == {"county_code": "20", "county_name": "Dalarnas län", "invited": 15, "responded": 9,
                           "rate": 60.0, "previous_rate": 33.3}
    assert rates[None]["county_name"] == "Hela landet"
    national = rows(document, "needs_national")
    assert [(r["category"], r["rank"], r["need"]) for r in national] == [
        ("Fokusområde", 1, "Äldre"), ("Fokusområde", 2, "Kvinnofrid"), ("Kunskapsprocess", 1, "Sprida kunskap"),
        ("Uppdrag", 1, "Identifiera behov")]
    assert national[2]["share"] == 88.9 and national[0]["mean"] == "3.22"
    assert {r["county_code"] for r in rows(document, "needs_by_county")} == {"20"}
    found = figures(document)
    assert found["needs_responded"]["text"] == f"9 av 15 tillfrågade har besvarat behovsinventeringen (60,0{NBSP}%)"
    assert found["top_need"]["text"] == "Störst behov nationellt: Äldre (angelägenhet 3,22 av 5)"


async def test_the_questions_are_asked_a_few_at_a_time_and_every_table_cites_a_listed_source() -> None:
    platform = FakePlatform()
    document = await composed(platform, concurrency=3)
    assert 1 < platform.most_in_flight <= 3
    assert len(platform.asked) == len(set(platform.asked))  # nothing asked twice
    cited = {t["source"] for t in document["tables"]} | {f["source"] for f in document["figures"]}
    assert cited <= {s["id"] for s in document["sources"]}
    assert document["empty"] is False and "Ingen lägesrapportering öppnad för 2024." in document["notes"]


async def test_a_year_without_data_is_empty_and_says_so() -> None:
    answers = {key: value for key, value in FakePlatform().answers.items() if key.startswith("/actors/")}
    answers["/funding/agreements"] = []
    answers["/funding/balances?by=county"] = {"total": {}, "groups": []}
    answers[f"/surveys/rounds?year={YEAR}"] = answers[f"/surveys/rounds?year={YEAR - 1}"] = []
    document = await composed(FakePlatform(answers))
    assert document["empty"] is True
    assert document["notes"][0].startswith("Rapporten för 2024 är tom")
    assert rows(document, "money") == [] and rows(document, "needs_national") == []
    assert "money_allocated" not in figures(document)


async def test_the_first_year_has_no_year_before_to_ask_about() -> None:
    platform = FakePlatform()
    platform.answers["/surveys/rounds?year=2000"] = []
    composition = await composer(platform).compose(2000, date(2000, 12, 31), [])
    assert "/surveys/rounds?year=1999" not in platform.asked and "/surveys/rounds?year=2000" in platform.asked
    assert composition.document["year"] == 2000


async def test_a_service_that_is_down_fails_the_whole_composition() -> None:
    with pytest.raises(PlatformUnavailable):
        await composed(FakePlatform(down="funding"))


async def test_together_raises_the_first_failure_itself_and_cancels_the_rest() -> None:
    finished_: list[str] = []

    async def slow() -> None:
        await asyncio.sleep(5)
        finished_.append("slow")

    async def failing() -> None:
        raise PlatformUnavailable("down")

    with pytest.raises(PlatformUnavailable):
        await together(slow(), together(failing()))
    assert finished_ == []


def test_status_reports_of_the_rss_and_a_year_not_opened() -> None:
    tally = Tally("politisk", "Politisk nivå", 2, 2)
    compilation = Compilation(
        year=2024, round_id="lagesrapport-2024", due_on=date(2025, 1, 31), targets=24, submitted=2, on_time=1,
        after_due=1, missing=22, signed_by=[Tally("enhetschef", "Enhetschef", 1, 2)],
        signed_for_both=Tally("bada", "Båda", 0, 2), decided_at=[tally],
        counties=[CountyReport("rss-20", "RSS Dalarna", "20", "submitted", date(2025, 1, 30), True, False,
                               "Regionstyrelsen", ["politisk"], ["enhetschef"]),
                  CountyReport("rss-01", "RSS Stockholms län", "01", "draft", None, None, False, None, [], [])])
    part = status_part(compilation, 2024, ON)
    texts = {f.key: f.text for f in part.figures}
    assert texts["status_reports_submitted"] == "2 av 24 RSS har lämnat lägesrapport"
    assert texts["status_reports_signed_by_enhetschef"] == "1 av 2 lägesrapporter är undertecknade av enhetschef"
    table = part.tables[0].as_dict()
    assert [(r["county_code"], r["submitted"], r["decision_level"], r["signatories"]) for r in table["rows"]] == [
        ("01", False, None, None), ("20", True, "Politisk nivå", "Enhetschef")]
    closed = status_part(None, 2024, ON)
    assert closed.notes == ["Ingen lägesrapportering öppnad för 2024."] and not closed.has_data
