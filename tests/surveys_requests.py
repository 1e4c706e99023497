"""Requests the surveys tests make through the gateway: rounds of the shipped needs survey and their answers."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import httpx

from tests.funding_requests import DALARNA

DALARNA_CODES = [code for code, *_ in DALARNA]
FOCUS_AREAS = ["barn-och-unga", "digitalisering", "funktionshinder", "kvinnofrid", "missbruk-och-beroende",
               "systematisk-uppfoljning", "aldre"]
PROCESSES = ["anvanda-kunskap", "synliggora-praktikens-kunskap", "synliggora-brukares-kunskap", "implementering",
             "folja-upp-verksamheten", "identifiera-kunskapsbehov", "sammanstalla-kunskap", "sprida-kunskap",
             "identifiera-kunskapsluckor"]
LEVELS = ["lokal", "regional", "nationell"]
MISSIONS = ["identifiera-behov", "samla-och-sprida", "uppfoljning-och-analys", "forbattringsarbete",
            "kompetensutveckling"]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def open_round(gateway: httpx.Client, admin: dict[str, str], *, organisation_ids: list[str] | None = None,
               targets: dict | None = None, questionnaire: str = "behovsinventering", version: int = 1,
               opens_on: date | None = None, closes_on: str = "2099-12-31") -> dict:
    """A round open since yesterday; by default to Dalarna's municipalities as the registry lists them."""
    opens_on = opens_on or date.today() - timedelta(days=1)
    targets = targets or ({"organisation_ids": organisation_ids} if organisation_ids
                          else {"kind": "municipality", "county": "20"})
    body = {"id": unique("behov-dalarna"), "questionnaire_id": questionnaire, "version": version,
            "title": "Behovsinventering Dalarna", "opens_on": opens_on.isoformat(),
            "closes_on": closes_on, "targets": targets}
    response = gateway.post("/surveys/rounds", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def contact_point(gateway: httpx.Client, admin: dict[str, str], registry_id: str, mailbox: str) -> dict:
    """A contact point post of an organisation in the registry, with its fixed-function mailbox (idempotent)."""
    response = gateway.post("/actors/posts", headers=admin, json={
        "id": f"{registry_id}-kontaktfunktion", "organisation_id": registry_id, "role": "contact_point",
        "label": "Kontaktfunktion för enkäter", "valid_from": "2020-01-01",
        "contacts": [{"kind": "email", "value": mailbox, "label": "Funktionsbrevlåda"}]})
    assert response.status_code in (200, 201), response.text
    return response.json()


def needs_answers(n: int) -> dict:
    """The needs survey answered by the n-th municipality: urgencies vary, so every figure is known."""
    answers: dict = {}
    for i, area in enumerate(FOCUS_AREAS):
        urgency = (n + i) % 5 + 1
        answers[f"behov.{area}.angelagenhet"] = urgency
        if urgency >= 3:
            answers[f"behov.{area}.processer"] = [PROCESSES[(n + i) % 9], PROCESSES[(n + 2 * i + 1) % 9]] \
                if (n + i) % 9 != (n + 2 * i + 1) % 9 else [PROCESSES[(n + i) % 9]]
            answers[f"behov.{area}.niva"] = LEVELS[(n + i) % 3]
    answers["uppdrag.rangordning"] = MISSIONS[n % 5:] + MISSIONS[:n % 5]
    answers["ovrigt"] = "Fler utbildningar för handläggare i länet, gärna på plats i Älvdalen och Särna."
    return answers


def answer(gateway: httpx.Client, headers: dict[str, str], round_id: str, respondent: str, answers: dict, *,
           submit: bool = True) -> httpx.Response:
    return gateway.post(f"/surveys/rounds/{round_id}/responses", headers={**headers, **key()},
                        json={"respondent_id": respondent, "answers": answers, "submit": submit})


def read_as_of(gateway: httpx.Client, headers: dict[str, str], url: str) -> dict[str, str]:
    """`headers` with If-Match naming the response at `url` as it is now (its ETag), for a PUT that changes it."""
    read = gateway.get(url, headers=headers)
    assert read.status_code == 200, read.text
    return {**headers, "If-Match": read.headers["etag"]}


def export_rows(response, delimiter: str = ";") -> list[dict[str, str]]:
    """A CSV export's rows by column id: the first header row holds the labels, the second the ids."""
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    _labels, ids, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""),
                                          delimiter=delimiter))
    return [dict(zip(ids, row, strict=True)) for row in rows]
