"""A small platform for the composition's in-process tests: two counties and their RSS, one agreement with money
in both, one needs-survey round in Dalarna (and one the year before), a status-report compilation; answered as
the gateway would, counting the questions and how many were in flight at once."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from shared.service_client import PlatformAnswer, PlatformUnavailable

YEAR = 2024


def _balance(**amounts: str) -> dict[str, str]:
    fields = ("committed", "allocated", "requisitioned", "paid", "distributed", "reported_spent", "to_repay",
              "repaid")
    return {name: amounts.get(name, "0.00") for name in fields}


def _need(rank: int, code: str, display: str, count: int, share: float | None, mean: str | None) -> dict:
    return {"rank": rank, "code": code, "display": display, "count": count, "denominator": 9, "suppressed": False,
            "share": share, "mean": mean, "previous_count": None, "previous_mean": None, "change": None}


def _picture(scope: str) -> dict:
    return {"scope": scope, "submitted": 9, "suppressed": False,
            "focus_areas": [_need(2, "kvinnofrid", "Kvinnofrid", 9, 1.0, "3.10"),
                            _need(1, "aldre", "Äldre", 9, 1.0, "3.22")],
            "processes": [_need(1, "sprida-kunskap", "Sprida kunskap", 8, 0.8889, None)],
            "mission_areas": [_need(1, "identifiera-behov", "Identifiera behov", 9, 1.0, "1.80")]}


def _seat(network: str, name: str, holder: str | None) -> dict:
    return {"id": f"seat-{network}", "organisation": {"id": network, "kind": "national_network", "name": name,
                                                      "county_code": None},
            "role": "ordinary_member", "label": "Representant", "contacts": [],
            "holder": {"id": "p1", "name": holder, "email": None, "phone": None} if holder else None}


def _overview(rss_id: str, county: str, name: str, host: str | None, seats: list[dict]) -> dict:
    return {"as_of": "2026-12-06",
            "rss": {"id": rss_id, "kind": "rss", "name": name, "county_code": county, "active": True,
                    "identifiers": []},
            "hosts": [{"organisation": {"id": f"host-{county}", "kind": "region", "name": host,
                                        "county_code": county}}] if host else [],
            "employers": [], "placement_unknown": None if host else {"note": "okänt"},
            "contact_points": [{"id": f"{rss_id}-kontakt", "organisation": {"id": rss_id, "kind": "rss",
                                                                            "name": name, "county_code": county},
                                "role": "contact_point", "label": "Kontaktfunktion",
                                "contacts": [{"kind": "email", "value": f"rss@{county}.example.se"}],
                                "holder": None}],
            "representatives": seats}


ANSWERS: dict[str, Any] = {
    "/actors/counties": [{"code": "01", "name": "Stockholms län"}, {"code": "20", "name": "Dalarnas län"}],
    "/actors/organisations?kind=rss": [
        {"id": "rss-01", "kind": "rss", "name": "RSS Stockholms län", "county_code": "01", "active": True},
        {"id": "rss-20", "kind": "rss", "name": "RSS Dalarna", "county_code": "20", "active": True}],
    "/actors/organisations?kind=national_network": [
        {"id": "network-aldre", "kind": "national_network", "name": "Äldre", "county_code": None, "active": True}],
    "/actors/rss/rss-01": _overview("rss-01", "01", "RSS Stockholms län", None,
                                    [_seat("network-aldre", "Äldre", None)]),
    "/actors/rss/rss-20": _overview("rss-20", "20", "RSS Dalarna", "Region Dalarna",
                                    [_seat("network-aldre", "Äldre", "Exempel Exempelsson")]),
    "/funding/agreements": [{"id": "stod-2024", "name": "Stöd 2024", "registry_number": "S2024/1"}],
    "/funding/balances?by=county": {"total": _balance(allocated="2000000.00", requisitioned="400000.00",
                                                      paid="400000.00", reported_spent="350000.00",
                                                      to_repay="50000.00", repaid="10000.50"),
                                    "groups": [{"group": "01", **_balance(allocated="1000000.00")},
                                               {"group": "20", **_balance(allocated="1000000.00",
                                                                          requisitioned="400000.00",
                                                                          paid="400000.00",
                                                                          reported_spent="350000.00",
                                                                          to_repay="50000.00",
                                                                          repaid="10000.50")}]},
    "/funding/balances?by=agreement&county=01": {"total": _balance(allocated="1000000.00"),
                                                 "groups": [{"group": "stod-2024",
                                                             **_balance(allocated="1000000.00")}]},
    "/funding/balances?by=agreement&county=20": {"total": _balance(), "groups": [{"group": "stod-2024", **_balance(
        allocated="1000000.00", requisitioned="400000.00", paid="400000.00", reported_spent="350000.00",
        to_repay="50000.00", repaid="10000.50")}]},
    "/funding/agreements/stod-2024/ledger/verify": {"agreement_id": "stod-2024", "entries": 7, "intact": True},
    f"/surveys/rounds?year={YEAR}": [{"id": "behov-2024", "title": "Behov 2024", "opens_on": "2024-03-01",
                                      "targets": 15}],
    f"/surveys/rounds?year={YEAR - 1}": [{"id": "behov-2023", "title": "Behov 2023", "opens_on": "2023-03-01",
                                          "targets": 15}],
    "/surveys/rounds/behov-2024/response-rates": {"nation": {"targets": 15, "submitted": 9},
                                                  "counties": [{"county_code": "20", "targets": 15,
                                                                "submitted": 9}]},
    "/surveys/rounds/behov-2023/response-rates": {"nation": {"targets": 15, "submitted": 5},
                                                  "counties": [{"county_code": "20", "targets": 15,
                                                                "submitted": 5}]},
    "/surveys/rounds/behov-2024/needs": {"nation": _picture("nation"), "county": None},
    "/surveys/rounds/behov-2024/needs?county=20": {"nation": _picture("nation"), "county": _picture("20")},
}


CHOOSING = {"/actors/organisations": ("kind",), "/funding/balances": ("by", "county"), "/surveys/rounds": ("year",),
            "/funding/agreements": ()}


class FakePlatform:
    """`get` and `get_all` of shared.service_client.PlatformClient over ANSWERS; `down`: a service whose every
    question is answered 503 (PlatformUnavailable)."""

    def __init__(self, answers: Mapping[str, Any] | None = None, down: str | None = None) -> None:
        self.answers = dict(ANSWERS if answers is None else answers)
        self.down = down
        self.asked: list[str] = []
        self.in_flight = self.most_in_flight = 0

    @staticmethod
    def _key(path: str, params: Mapping[str, Any] | None) -> str:
        """The path with the parameters that choose the answer (the dates and page sizes do not here)."""
        names = CHOOSING.get(path, ("county",))
        parts = [f"{name}={params[name]}" for name in names if params and params.get(name) is not None]
        return path + ("?" + "&".join(parts) if parts else "")

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> PlatformAnswer:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.001)
            key = self._key(path, params)
            self.asked.append(key)
            if self.down and path.startswith(f"/{self.down}/"):
                raise PlatformUnavailable(f"The platform did not answer for {what} (status 503).")
            if key not in self.answers:
                return PlatformAnswer(status=404, body={"status": 404}, etag=None, revalidated=False)
            body = self.answers[key]
            return PlatformAnswer(status=200, body=body, etag=None, revalidated=False)
        finally:
            self.in_flight -= 1

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None, *, what: str,
                      limit: int = 500) -> list[Any]:
        answer = await self.get(path, params, what=what)
        if answer.status != 200:
            raise PlatformUnavailable(f"The platform answered {answer.status} for {what}.")
        return answer.body
