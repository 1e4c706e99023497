"""An organisation's audit snapshot is made straight from the record (presenter.snapshots), not by validating and
dumping an OrganisationOut: it must still be exactly that answer's JSON without the reading's date, for every
shipped organisation (renamed ones, closed ones, ones with identifiers and contacts) on the dates the seeds
describe, and for a record an import has not stored yet (with contacts, which no shipped organisation lists)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import orjson
import pytest
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.organisations import schemas
from services.actors.organisations.models import Organisation
from services.actors.organisations.presenter import new_snapshot, organisations_out, snapshots
from services.actors.organisations.records import OrganisationRecord
from services.actors.organisations.schemas import OrganisationIn
from services.actors.organisations.service import new_organisation_parts

pytestmark = pytest.mark.anyio

DATES = (date(2010, 6, 1), date(2012, 6, 1), date(2013, 11, 15), date(2019, 11, 1), date(2026, 6, 1))
_ANSWERS = TypeAdapter(list[schemas.OrganisationOut])


def _as_answered(organisations: list, on: date) -> list[dict]:
    return _ANSWERS.dump_python(organisations_out(organisations, on), mode="json",
                                exclude={"__all__": {"as_of", "active"}})


async def test_every_shipped_organisation_is_kept_as_it_is_answered(session: AsyncSession) -> None:
    organisations = list(await session.scalars(select(Organisation).order_by(Organisation.id)))
    assert len(organisations) > 400
    assert any(len(o.names) > 1 for o in organisations) and any(o.valid_to for o in organisations)
    assert any(o.identifiers for o in organisations) and any(n.evidence for o in organisations for n in o.names)
    for on in DATES:
        kept = snapshots(organisations, on)
        assert kept == _as_answered(organisations, on)
        # As stored: the same JSON text, key for key in the same order.
        assert [orjson.dumps(k) for k in kept] == [orjson.dumps(a) for a in _as_answered(organisations, on)]


@pytest.mark.parametrize("data", [
    {"id": "fou-exempelby", "kind": "rd_unit", "name": "FoU-enhet Exempelby åäö", "short_name": "FoU",
     "county_code": "20", "valid_from": "2015-01-01", "note": "Fiktiv enhet", "source": "Exempelkälla",
     "identifiers": [{"scheme": "org_number", "value": "2120000142"}],
     "contacts": [{"kind": "email", "value": "fou@example.org"},
                  {"kind": "phone", "value": "+46 10 000 00 00", "label": "Växel"}]},
    {"id": "nationellt-natverk", "kind": "national_network", "name": "Nätverk utan län", "valid_from": "2030-01-01",
     "valid_to": "2031-01-01"},
    {"id": "utan-datum", "kind": "municipality", "name": "Exempelby kommun", "county_code": "01",
     "identifiers": [{"scheme": "scb_municipality", "value": "0114"}]},
], ids=["identifiers-and-contacts", "national-and-in-the-future", "no-dates"])
def test_a_record_an_import_makes_is_kept_as_it_is_answered(data: dict) -> None:
    """An import makes the snapshot from the rows it writes (new_snapshot): the same as `snapshots` keeps of
    the record, and as the answer reads, on a date before, within and after its period."""
    head, names, contacts = new_organisation_parts(OrganisationIn.model_validate(data))
    identifiers = [{"scheme": i.scheme.value, "value": i.value, "valid_from": None, "valid_to": None}
                   for i in OrganisationIn.model_validate(data).identifiers]
    record = OrganisationRecord(**head, version=1, names=[SimpleNamespace(**n) for n in names],
                                identifiers=[SimpleNamespace(**i) for i in identifiers],
                                contacts=[SimpleNamespace(**c) for c in contacts])
    for on in (date(2010, 6, 1), date(2026, 6, 1), date(2035, 6, 1)):
        assert [new_snapshot(head, names, identifiers, contacts)] == snapshots([record], on) == \
            _as_answered([record], on)
