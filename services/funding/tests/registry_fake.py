"""A stand-in for the actor registry's client as funding reads it (shared.registry_client.RegistryClient): the
registry is another service, reached over HTTP through the gateway, so the in-process tests of funding's rules
give funding's own registry rules (services/funding/registry.py: receivers, payees, signatories) this small fake
to read instead. The real registry is read in tests/test_funding_registry.py and tests/test_funding_payees.py."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from shared.registry_client import Municipality, Organisation, PopulationBasis, Post

# Dalarna's receiver (the region, with an organisation number) and Stockholm's, each with a signatory.
DALARNA = Organisation(id="region-dalarna", name="Region Dalarna", county_code="20", active=True,
                       org_number="232100-0198")
STOCKHOLM = Organisation(id="region-stockholm", name="Region Stockholm", county_code="01", active=True,
                         org_number="232100-0016")
SIGNATORIES = {DALARNA.id: ("anna-signatory", "Anna Firmatecknare"),
               STOCKHOLM.id: ("sven-signatory", "Sven Firmatecknare")}
MUNICIPALITIES = [Municipality(code=code, name=name, county_code=code[:2], populations={2023: people})
                  for code, name, people in (("2080", "Falun", 59752), ("2081", "Borlänge", 52460),
                                             ("2082", "Säter", 11203), ("0184", "Solna", 85000))]
COUNTIES = {"20": "Dalarnas län", "01": "Stockholms län"}


class FakeRegistryClient:
    """Answers two regions, four municipalities, two counties and the regions' signatories, open on any day; no
    population bases and no part_of relations."""

    def __init__(self) -> None:
        self.organisations_known = {o.id: o for o in (DALARNA, STOCKHOLM)}

    async def municipalities(self, county_code: str | None = None) -> dict[str, Municipality]:
        return {m.code: m for m in MUNICIPALITIES if county_code in (None, m.county_code)}

    async def counties(self) -> dict[str, str]:
        return dict(COUNTIES)

    async def organisations(self, organisation_ids: Collection[str], on: date, *,
                            include_inactive: bool = False) -> dict[str, Organisation]:
        return {i: self.organisations_known[i] for i in organisation_ids if i in self.organisations_known}

    async def organisation(self, organisation_id: str, on: date) -> Organisation | None:
        return self.organisations_known.get(organisation_id)

    async def part_of(self, unit_ids: Collection[str], on: date) -> dict[str, list[Organisation]]:
        return {unit: [] for unit in unit_ids}

    async def posts(self, role: str, on: date, organisation_id: str | None = None, *, what: str) -> list[Post]:
        holder = SIGNATORIES.get(organisation_id or "")
        if role != "signatory" or holder is None:
            return []
        return [Post(id=f"post-{organisation_id}", organisation_id=organisation_id or "", holder_id=holder[0],
                     holder_name=holder[1], mailbox=None, active=True)]

    async def population_basis(self, basis_id: str) -> PopulationBasis | None:
        return None
