"""Questions that cut across organisations, relations and posts, each answered as of a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.actors.changes.conditional import registry_etag
from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.organisations.presenter import contact_out, organisation_out, organisation_ref, organisation_refs
from services.actors.organisations.records import OrganisationHead
from services.actors.organisations.repository import OrganisationRepository
from services.actors.organisations.schemas import NameOut, OrganisationRef
from services.actors.people.presenter import contact_audience
from services.actors.posts.models import PostRole
from services.actors.posts.presenter import post_out
from services.actors.posts.repository import Holder, PostRecord, PostRepository
from services.actors.posts.schemas import PostOut
from services.actors.posts.service import PostService
from services.actors.relations.models import Relation, RelationKind
from services.actors.relations.presenter import relation_out
from services.actors.relations.repository import RelationRepository
from services.actors.relations.validity import known_periods, last_attested
from services.actors.structure import schemas
from services.actors.structure.presenter import related_out, representatives_out
from services.actors.structure.repository import SeatRepository, StructureRepository
from services.actors.versioned_cache import VersionedAnswers
from shared.identity import Principal
from shared.periods import last_day
from shared.problems import InvalidInput, NotFound

UNBOUNDED = 10_000  # the posts of one organisation on one date: a few hundred at most


async def representatives(seats: SeatRepository, caller: Principal, *, county_code: str, network_id: str,
                          on: date) -> tuple[schemas.Representatives, int]:
    """Who represents a county in a network on a date, and the registry version it was read at: the registry's
    most frequent read, on a driver connection of its own (structure/repository.py) rather than the session."""
    found = await seats.seats(county_code=county_code, network_id=network_id, on=on)
    if found.network is None:
        raise InvalidInput.field("query.network", "unknown_reference", f"No organisation has id '{network_id}'.")
    if not found.county_known:
        raise InvalidInput.field("query.county", "unknown_reference", f"No county has SCB code {county_code}.")
    answer = representatives_out(found, caller, county_code=county_code, network_id=network_id, on=on)
    return answer, found.registry_version


async def kept_representatives(seats: SeatRepository, cache: VersionedAnswers, caller: Principal, *,
                               county_code: str, network_id: str, on: date) -> tuple[bytes, str]:
    """The representatives answer as JSON and its ETag, kept in `cache` (the app's) while the register is
    unchanged. Answers differ in the holders' contact details only, so they are kept, and their ETags differ, by
    whose contacts the caller sees (contact_audience: national, one county's, none): an answer kept for one
    caller is served only to callers who see exactly what it shows."""
    audience = contact_audience(caller)

    async def answer() -> tuple[bytes, int]:
        data, version = await representatives(seats, caller, county_code=county_code, network_id=network_id, on=on)
        return data.model_dump_json().encode(), version

    body, version = await cache.get_or_compute((county_code, network_id, on, audience), seats.registry_version,
                                               answer)
    return body, f'"r{version}-{on.isoformat()}-{audience}"'


class RepresentativesService:
    """The representatives answer on a driver connection of its own from `engine`'s pool, kept in `cache` (the
    app's) while the register is unchanged."""

    def __init__(self, engine: AsyncEngine, cache: VersionedAnswers, caller: Principal) -> None:
        self.engine = engine
        self.cache = cache
        self.caller = caller

    async def kept(self, *, county_code: str, network_id: str, on: date) -> tuple[bytes, str]:
        """The answer as JSON and its ETag."""
        async with SeatRepository.connected(self.engine) as seats:
            return await kept_representatives(seats, self.cache, self.caller, county_code=county_code,
                                              network_id=network_id, on=on)


class StructureService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.organisations = OrganisationRepository(session)
        self.relations = RelationRepository(session)
        self.posts = PostRepository(session)
        self.structure = StructureRepository(session)
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
        return related_out(relations, other_side=other_side, organisations=orgs)

    async def rss_etag(self, on: date) -> str:
        """An RSS overview's ETag: the register's change counter, the date and whose contact details the caller
        sees (contact_audience: the holders' e-mail and phone are all that differ between callers)."""
        return await registry_etag(self.session, on.isoformat(), contact_audience(self.caller))

    async def rss(self, rss_id: str, on: date) -> schemas.RssOverview:
        rss = await self.organisations.record_or_404(rss_id)  # as reads present it: rows (records.py)
        if rss.kind != OrganisationKind.RSS.value:
            raise NotFound(f"'{rss_id}' is a {rss.kind}, not an RSS.")
        found = await self.structure.overview(rss_id, on)
        orgs = organisation_refs(found.organisations.values(), on)

        def related(kind: RelationKind, side: str) -> list[schemas.RelatedOrganisation]:
            ours = "object_id" if side == "subject_id" else "subject_id"
            return related_out([r for r in found.relations if r.kind == kind.value and getattr(r, ours) == rss_id],
                               other_side=side, organisations=orgs)

        def posts(chosen: list[tuple[PostRecord, Holder | None]]) -> list[PostOut]:
            return [post_out(post, organisations=orgs, contacts=post.contacts, holder=holder, caller=self.caller,
                             on=on) for post, holder in chosen]

        hosts, employers = related(RelationKind.HOSTS, "subject_id"), related(RelationKind.EMPLOYER_OF, "subject_id")
        return schemas.RssOverview(
            rss=organisation_out(rss, on), as_of=on, hosts=hosts, employers=employers,
            placement_unknown=None if hosts or employers
            else await self._placement_unknown(rss_id, on, found.organisations),
            parties=related(RelationKind.MEMBER_OF, "subject_id"),
            governed_by=related(RelationKind.GOVERNS, "subject_id"),
            groups=related(RelationKind.PART_OF, "subject_id"),
            networks=related(RelationKind.MEMBER_OF, "object_id"),
            contact_points=posts([p for p in found.posts if p[0].organisation_id == rss_id
                                  and p[0].role == PostRole.CONTACT_POINT.value]),
            contacts=[contact_out(c) for c in rss.contacts],
            representatives=posts([p for p in found.posts if p[0].on_behalf_of_id == rss_id]),
        )

    async def _placement_unknown(self, rss_id: str, on: date,
                                 named: dict[str, OrganisationHead]) -> schemas.PlacementUnknown:
        """The hosts or employers known nearest before and after a date on which none holds, by the register's
        rule (relations/validity.py): the last known one ended, or the sources stopped attesting it (then the
        last year they attest it is given: "last known host: …, last attested 2013"); the next one starts, or
        is confirmed from a later day. Each is named as it was while it held (`named`: the overview's
        organisations, which include every host and employer it had)."""
        placements = await self.structure.placements(rss_id)
        periods = [(start, end, r) for r in placements for start, end in known_periods(r)]
        last = max(((end, r) for _, end, r in periods if end is not None and end <= on),
                   key=lambda p: p[0], default=None)
        following = min(((start, r) for start, _, r in periods if start is not None and start > on),
                        key=lambda p: p[0], default=None)

        def as_then(relation: Any, day: date) -> schemas.RelatedOrganisation:
            ids = [i for i in (relation.subject_id, relation.unit_id) if i]
            return related_out([relation], other_side="subject_id",
                               organisations=organisation_refs([named[i] for i in ids], day))[0]

        note = f"No source in the register names a host or employer of this RSS on {on}: unknown, which is not " \
               "the same as none."
        last_before = last_attestation = None
        if last is not None:
            end, relation = last
            last_before = as_then(relation, last_day(end))
            role = "host" if relation.kind == RelationKind.HOSTS.value else "employer"
            if end == relation.attested_until and (last_attestation := last_attested(relation)):
                note += f" Last known {role}: {last_before.organisation.name}, last attested {last_attestation}."
            else:
                note += f" Last known {role}: {last_before.organisation.name}, until {last_day(end)}."
        next_after = as_then(following[1], following[0]) if following else None
        if next_after is not None:
            note += f" Next known from {following[0]}: {next_after.organisation.name}."
        return schemas.PlacementUnknown(
            note=note, last_before=last_before, last_known_until=last[0] if last else None,
            last_attested=last_attestation, next_after=next_after,
            next_known_from=following[0] if following else None)

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
