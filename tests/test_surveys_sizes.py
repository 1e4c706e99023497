"""Sizes that every reader of a round pays for, through the gateway: a scale has at most 101 steps (refused when a
version is stored, whether sent as JSON or drafted in Excel), and a number item's distribution answers bins of its
range, never one count per value it could take."""

from __future__ import annotations

import time

from tests.support import assert_problem
from tests.surveys_requests import answer, open_round, unique
from tests.test_surveys_workbook import XLSX, drafted


def questionnaire(qid: str, *items: dict) -> dict:
    return {"id": qid, "title": "Storlekar", "items": list(items)}


def test_a_scale_of_a_million_steps_is_refused_naming_the_item_and_the_rule(gateway, admin_key):
    qid = unique("skala")
    wide = {"link_id": "nojdhet", "text": "Hur nöjd är ni?", "type": "scale", "min_value": 0, "max_value": 1_000_000}
    refused = gateway.post("/surveys/questionnaires", json=questionnaire(qid, wide), headers=admin_key)
    body = assert_problem(refused, 422, field="items.nojdhet.max_value", rule="scale_steps")
    assert "nojdhet" in body["detail"] and "101" in body["detail"]
    assert_problem(gateway.get(f"/surveys/questionnaires/{qid}", headers=admin_key), 404)

    percent = {**wide, "max_value": 100}  # 101 steps: a percentage is a scale
    created = gateway.post("/surveys/questionnaires", json=questionnaire(qid, percent), headers=admin_key)
    assert created.status_code == 201, created.text
    published = gateway.post(f"/surveys/questionnaires/{qid}/versions/1/publish", headers=admin_key)
    assert published.status_code == 200 and published.json()["status"] == "published", published.text

    drafted_wide = drafted([["range", "nojdhet", "Hur nöjd är ni?", "yes", "", ". >= 0 and . <= 1000000"]], [])
    refused = gateway.post(f"/surveys/questionnaires/{unique('skala')}/workbook", content=drafted_wide,
                           headers={**admin_key, "Content-Type": XLSX})
    assert_problem(refused, 422, field="survey row 2.constraint", rule="scale_steps")


def test_a_wide_number_items_distribution_answers_bins(gateway, admin_key, county_key):
    qid = unique("antal")
    created = gateway.post("/surveys/questionnaires", headers=admin_key, json=questionnaire(
        qid, {"link_id": "invanare", "text": "Antal invånare", "type": "integer", "min_value": 0,
              "max_value": 1_000_000},
        {"link_id": "kostnad", "text": "Kostnad per invånare", "type": "decimal"}))
    assert created.status_code == 201, created.text
    assert gateway.post(f"/surveys/questionnaires/{qid}/versions/1/publish", headers=admin_key).status_code == 200
    given = {"2080": (59_000, "12.5"), "2081": (59_999, "80"), "2082": (1_000_000, "12.75"), "2083": (0, "40")}
    round_ = open_round(gateway, admin_key, questionnaire=qid, organisation_ids=list(given))
    for respondent, (inhabitants, cost) in given.items():
        answered = answer(gateway, county_key, round_["id"], respondent, {"invanare": inhabitants, "kostnad": cost})
        assert answered.status_code == 201, answered.text

    started = time.monotonic()
    distribution = gateway.get(f"/surveys/rounds/{round_['id']}/distribution", headers=county_key)
    assert distribution.status_code == 200, distribution.text
    assert time.monotonic() - started < 1
    items = {item["link_id"]: item for item in distribution.json()["nation"]["items"]}

    bins = items["invanare"]["values"]
    assert len(bins) == 20 and sum(b["count"] for b in bins) == items["invanare"]["answered"] == 4
    assert (bins[0]["low"], bins[-1]["high"]) == ("0", "1000000")
    assert all(int(b["high"]) + 1 == int(after["low"]) for b, after in zip(bins, bins[1:], strict=False))
    assert all(b["value"] == f"{b['low']}..{b['high']}" and b["denominator"] == 4 for b in bins)
    holding = [b for b in bins if b["count"]]
    assert [(b["low"], b["count"]) for b in holding] == [("0", 1), ("50001", 2), ("950019", 1)]

    costs = items["kostnad"]["values"]  # no bounds: binned over the answers given
    assert len(costs) == 20 and (costs[0]["low"], costs[-1]["high"]) == ("12.5", "80")
    assert [c["count"] for c in costs if c["count"]] == [2, 1, 1] and items["kostnad"]["mean"] == "36.31"
