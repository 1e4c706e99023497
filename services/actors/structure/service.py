"""Questions that cut across organisations, relations and posts, each answered as of a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.driver_reads import DriverConnection
from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.organisations.presenter import contact_out, organisation_out, organisation_ref, organisation_refs
from services.actors.organisations.repository import OrganisationRepository
from services.actors.organisations.schemas import NameOut, OrganisationRef
from services.actors.posts.models import PostRole
from services.actors.posts.repository import PostRepository
from services.actors.posts.service import PostService
from services.actors.relations.models import Relation, RelationKind
from services.actors.relations.presenter import attested_of, relation_out, sources_of
from services.actors.relations.repository import RelationRepository
from services.actors.structure import schemas
from services.actors.structure.presenter import representatives_out
from services.actors.structure.repository import seats
from shared.identity import Principal
from shared.problems import InvalidInput, NotFound

UNBOUNDED = 10_000  # the posts of one organisation on one date: a few hundred at most


async def representatives(db: DriverConnection, caller: Principal, *, county_code: str, network_id: str,
                          on: date) -> tuple[schemas.Representatives, int]:
    """Who represents a county in a network on a date, and the registry version it was read at: the registry's
    most frequent read, on a driver connection (structure/repository.py) rather than the session."""
    found = await seats(db, county_code=county_code, network_id=network_id, on=on)
    if found.network is None:
        raise InvalidInput.field("query.network", "unknown_reference", f"No organisation has id '{network_id}'.")
    if not found.county_known:
        raise InvalidInput.field("query.county", "unknown_reference", f"No county has SCB code {county_code}.")
    answer = representatives_out(found, caller, county_code=county_code, network_id=network_id, on=on)
    return answer, found.registry_version


class StructureService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.organisations = OrganisationRepository(session)
        self.relations = RelationRepository(session)
        self.posts = PostRepository(session)
        self.post_service = PostService(session, caller)
        self.caller = caller

    async def _organisation(self, organisation_id: str) -> Organisation:
        return await self.organisations.get_or_404(organisation_id)

    async def _refs(self, ids: set[str], on: date) -> dict[str, OrganisationRef]:
        return organisation_refs(await self.organisations.heads(ids), on)

    async def _related(self, relations: list[Relation], *, other_side: str, on: date,
                       orgs: dict[str, OrganisationRef] | None = None) -> list[schemas.RelatedOrganisation]:
        units = {r.unit_id for r in relations if r.unit_id}
        if orgs is None or not units <= set(orgs):
            orgs = {**(orgs or {}),
                    **await self._refs({getattr(r, other_side) for r in relations} | units, on)}
        return [schemas.RelatedOrganisation(organisation=orgs[getattr(r, other_side)], relation_id=r.id,
                                            kind=r.kind, valid_from=r.valid_from, valid_to=r.valid_to,
                                            reported=r.reported, evidence=r.evidence,
                                            attested=attested_of(r.attested), sources=sources_of(r.source),
                                            joint=bool(r.joint), unit=orgs[r.unit_id] if r.unit_id else None,
                                            note=r.note) for r in relations]

    async def rss(self, rss_id: str, on: date) -> schemas.RssOverview:
        rss = await self.organisations.record_or_404(rss_id)  # as reads present it: rows (records.py)
        if rss.kind != OrganisationKind.RSS.value:
            raise NotFound(f"'{rss_id}' is a {rss.kind}, not an RSS.")
        incoming = list(await self.relations.touching(rss_id, as_of=on, direction="object"))
        outgoing = list(await self.relations.touching(rss_id, as_of=on, direction="subject"))

        def kind(rels: list[Relation], k: RelationKind) -> list[Relation]:
            return [r for r in rels if r.kind == k.value]

        contact_posts, _ = await self.posts.search(organisation_id=rss_id, on_behalf_of_id=None,
                                                   role=PostRole.CONTACT_POINT.value, network_county=None,
                                                   vacant=None, as_of=on, after=None, limit=UNBOUNDED,
                                                   with_count=False)
        representing, _ = await self.posts.search(organisation_id=None, on_behalf_of_id=rss_id, role=None,
                                                  network_county=None, vacant=None, as_of=on, after=None,
                                                  limit=UNBOUNDED, with_count=False)
        # Every organisation on the page in one query.
        orgs = await self._refs({r.subject_id for r in incoming} | {r.object_id for r in outgoing}, on)

        async def related(rels: list[Relation], side: str) -> list[schemas.RelatedOrganisation]:
            return await self._related(rels, other_side=side, on=on, orgs=orgs)

        return schemas.RssOverview(
            rss=organisation_out(rss, on), as_of=on,
            hosts=await related(kind(incoming, RelationKind.HOSTS), "subject_id"),
            employers=await related(kind(incoming, RelationKind.EMPLOYER_OF), "subject_id"),
            parties=await related(kind(incoming, RelationKind.MEMBER_OF), "subject_id"),
            governed_by=await related(kind(incoming, RelationKind.GOVERNS), "subject_id"),
            groups=await related(kind(incoming, RelationKind.PART_OF), "subject_id"),
            networks=await related(kind(outgoing, RelationKind.MEMBER_OF), "object_id"),
            contact_points=await self.post_service.present_posts(list(contact_posts), on),
            contacts=[contact_out(c) for c in rss.contacts],
            representatives=await self.post_service.present_posts(list(representing), on),
        )

    async def members(self, organisation_id: str, on: date) -> schemas.Members:
        organisation = await self._organisation(organisation_id)
        relations = await self.relations.touching(
            organisation_id, kinds={RelationKind.MEMBER_OF.value, RelationKind.OWNER_OF.value}, as_of=on,
            direction="object")
        posts, _ = await self.posts.search(organisation_id=organisation_id, on_behalf_of_id=None, role=None,
                                           network_county=None, vacant=None, as_of=on, after=None, limit=UNBOUNDED,
                                           with_count=False)
        return schemas.Members(organisation=organisation_ref(organisation, on), as_of=on,
                               organisations=await self._related(list(relations), other_side="subject_id", on=on),
                               posts=await self.post_service.present_posts(list(posts), on))

    async def history(self, organisation_id: str) -> schemas.OrganisationHistory:
        organisation = await self._organisation(organisation_id)
        today = date.today()
        relations = list(await self.relations.touching(organisation_id))
        ends = {r.subject_id for r in relations} | {r.object_id for r in relations} | \
            {r.unit_id for r in relations if r.unit_id}
        orgs = await self._refs(ends, today)
        relation_views = [relation_out(r, orgs, today) for r in relations]
        timeline: list[schemas.HistoryEvent] = []
        if organisation.valid_from:
            timeline.append(schemas.HistoryEvent(on=organisation.valid_from, event="founded",
                                                 description="The organisation came into being."))
        for previous, name in zip(organisation.names, organisation.names[1:]):
            timeline.append(schemas.HistoryEvent(on=name.valid_from, event="renamed",
                                                 description=f"{previous.name} became {name.name}."))
        for view in relation_views:
            phrase = f"{view.subject.name} {view.kind.replace('_', ' ')} {view.object.name}"
            timeline.append(schemas.HistoryEvent(on=view.valid_from, event="relation_started",
                                                 description=phrase, relation=view))
            if view.valid_to:
                timeline.append(schemas.HistoryEvent(on=view.valid_to, event="relation_ended",
                                                     description=f"No longer: {phrase}", relation=view))
        if organisation.valid_to:
            timeline.append(schemas.HistoryEvent(on=organisation.valid_to, event="closed",
                                                 description="The organisation ceased."))
        timeline.sort(key=lambda e: (e.on is not None, e.on or date.min))
        return schemas.OrganisationHistory(
            organisation=organisation_out(organisation, today),
            names=[NameOut.model_validate(n) for n in organisation.names], relations=relation_views,
            timeline=timeline)
