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
from services.actors.organisations.presenter import organisations_out, snapshots
from services.actors.organisations.records import OrganisationRecord

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


def test_a_record_an_import_makes_is_kept_as_it_is_answered() -> None:
    record = OrganisationRecord(
        id="fou-exempelby", kind="rd_unit", county_code="20", valid_from=date(2015, 1, 1), valid_to=None,
        note="Fiktiv enhet", source="Exempelkälla", version=1,
        names=[SimpleNamespace(name="FoU-enhet Exempelby åäö", short_name="FoU", position=0, evidence=None,
                               search_name="fou-enhet exempelby aao fou", valid_from=date(2015, 1, 1),
                               valid_to=None)],
        identifiers=[SimpleNamespace(scheme="org_number", value="212000-0142", valid_from=None, valid_to=None)],
        contacts=[SimpleNamespace(kind="email", value="fou@example.org", label=None),
                  SimpleNamespace(kind="phone", value="+46 10 000 00 00", label="Växel")])
    assert snapshots([record], date(2026, 6, 1)) == _as_answered([record], date(2026, 6, 1))
