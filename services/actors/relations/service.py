"""Rules for relations: both ends exist, periods are ordered, part-of never loops, closing keeps history."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.organisations.presenter import organisation_refs
from services.actors.organisations.repository import OrganisationRepository
from services.actors.relations.consistency import within
from services.actors.relations.models import Evidence, Relation, RelationKind
from services.actors.relations.presenter import relation_out, sources_of
from services.actors.relations.repository import RelationRepository
from services.actors.relations.schemas import ConfirmIn, RelationIn, RelationOut
from services.actors.relations.validity import attested_until, known_overlap
from shared.audit import AuditTrail
from shared.authorization import require_county_scope
from shared.etag import check_if_match
from shared.identity import Principal
from shared.known_records import require_reference
from shared.pagination import Page, PageRequest
from shared.periods import CloseIn, check_period, holds_on, overlaps
from shared.problems import Conflict, InvalidInput
from shared.records import new_record_id, utcnow


class RelationService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = RelationRepository(session)
        self.organisations = OrganisationRepository(session)
        self.audit = AuditTrail(session, caller, AuditEvent)

    async def present(self, relations: list[Relation], on: date) -> list[RelationOut]:
        ids = {r.subject_id for r in relations} | {r.object_id for r in relations} | \
            {r.unit_id for r in relations if r.unit_id}
        organisations = organisation_refs(await self.organisations.heads(ids), on)
        return [relation_out(r, organisations, on) for r in relations]

    async def get_or_404(self, relation_id: str) -> Relation:
        return await self.repository.get_or_404(relation_id)

    async def read(self, relation_id: str, on: date) -> RelationOut:
        return (await self.present([await self.get_or_404(relation_id)], on))[0]

    async def search(self, *, kind: str | None, organisation_id: str | None, as_of: date | None,
                     paging: PageRequest) -> Page[RelationOut]:
        await require_reference(self.session, Organisation, organisation_id, field="query.organisation",
                                what="organisation")
        after = paging.after_key(str)
        rows, count = await self.repository.search(kind=kind, organisation_id=organisation_id, as_of=as_of,
                                                   after=after, limit=paging.limit + 1)
        items = await self.present(list(rows), as_of or date.today())
        return paging.page(items, count=count, sort_key=lambda r: [r.id])

    async def create(self, data: RelationIn) -> tuple[RelationOut, bool]:
        check_period(data.valid_from, data.valid_to)
        end_given = data.valid_to is not None
        if data.confirmed_from is not None:
            self._confirmed_on_creation(data)
        await self.repository.hold_for_create(data.id, data.kind.value, data.subject_id, data.object_id,
                                              data.unit_id)
        if data.id is not None and (existing := await self.repository.get(data.id)) is not None:
            require_county_scope(self.caller, await self._owner(existing), what=f"relation '{data.id}'",
                                 field="body.id")
            # An open valid_from was stored as the organisations' start: a retry without one is the same.
            if (existing.kind, existing.subject_id, existing.object_id) == \
                    (data.kind.value, data.subject_id, data.object_id) \
                    and data.valid_from in (None, existing.valid_from):
                return (await self.present([existing], date.today()))[0], False
            raise Conflict.field("body.id", "conflict", f"The id '{data.id}' is already used by another relation.")
        named = {"body.subject_id": data.subject_id, "body.object_id": data.object_id}
        if data.unit_id:
            named["body.unit_id"] = data.unit_id
        ends = await self.organisations.get_many(set(named.values()))
        for field, org_id in named.items():
            if org_id not in ends:
                raise InvalidInput.field(field, "unknown_reference", f"No organisation has id '{org_id}'.")
        owner = ends[data.subject_id].county_code
        require_county_scope(self.caller, owner, what=f"a relation of '{data.subject_id}'", field="body.subject_id",
                             references={"body.object_id": ends[data.object_id].county_code})
        if data.subject_id == data.object_id:
            raise InvalidInput.field("body.object_id", "self_relation", "An organisation cannot relate to itself.")
        for other in await self.repository.between(data.kind.value, data.subject_id, data.object_id):
            if overlaps(other.valid_from, other.valid_to, data.valid_from, data.valid_to):
                raise Conflict.field("body.valid_from", "conflict",
                                     f"'{data.subject_id}' is already {data.kind.value} '{data.object_id}' in an "
                                     f"overlapping period (relation '{other.id}'); to say that it still holds, "
                                     f"confirm that one (POST /relations/{other.id}/confirm).", existing_id=other.id)
        if data.kind is RelationKind.PART_OF:
            await self._refuse_cycle(data)
        self._fit_to_existence(data, named, ends)
        if data.confirmed_from is not None and not holds_on(data.valid_from, data.valid_to, data.confirmed_from):
            raise InvalidInput.field("body.confirmed_from", "outside_period",
                                     f"confirmed_from ({data.confirmed_from}) must fall within the relation's period "
                                     f"({data.valid_from or 'before our records'} until "
                                     f"{data.valid_to or 'further notice'}).")
        attested = ",".join(data.attested) if data.attested else str(data.reported) if data.reported else None
        evidence = data.evidence.value if data.evidence else None
        relation = Relation(id=data.id or new_record_id("rel"), kind=data.kind.value, subject_id=data.subject_id,
                            object_id=data.object_id, valid_from=data.valid_from, valid_to=data.valid_to,
                            reported=data.reported, evidence=evidence, attested=attested, joint=data.joint,
                            unit_id=data.unit_id, note=data.note, source=data.source,
                            attested_until=attested_until(evidence, (attested or "").split(",") if attested else [],
                                                          end_given=end_given, valid_to=data.valid_to),
                            confirmed_from=data.confirmed_from)
        if data.kind is RelationKind.HOSTS and ends[data.object_id].kind == OrganisationKind.RSS.value:
            await self._refuse_second_host(relation, field="body.subject_id")
        self.session.add(relation)
        await self.session.flush()
        out = (await self.present([relation], date.today()))[0]
        self.audit.record("create", "relation", relation.id, after=out.model_dump(mode="json"), county=owner)
        return out, True

    async def close(self, relation_id: str, data: CloseIn, if_match: str | None) -> RelationOut:
        relation = await self.get_or_404(relation_id)
        owner = await self._owner(relation)
        require_county_scope(self.caller, owner, what=f"relation '{relation_id}'")
        check_if_match(if_match, relation.version)
        if relation.valid_to is not None:
            raise Conflict(f"Relation '{relation_id}' already ended on {relation.valid_to}.")
        check_period(relation.valid_from, data.valid_to)
        before = (await self.present([relation], date.today()))[0].model_dump(mode="json")
        relation.valid_to = data.valid_to
        if data.note:
            relation.note = data.note
        relation.updated_at = utcnow()
        await self.session.flush()
        out = (await self.present([relation], date.today()))[0]
        self.audit.record("close", "relation", relation.id, before=before, after=out.model_dump(mode="json"),
                          county=owner)
        return out

    async def _owner(self, relation: Relation) -> str | None:
        """A relation belongs to its subject's county."""
        subject = await self.organisations.get(relation.subject_id)
        return subject.county_code if subject is not None else None

    @staticmethod
    def _fit_to_existence(data: RelationIn, named: dict[str, str], ends: dict[str, Organisation]) -> None:
        """A relation holds only while its organisations exist; a successor starts when its predecessor ended.
        An open bound ("since before our records", "still valid") is read within the organisations' existence
        and stored so; a given date outside it is refused."""
        bounding = [ends[org_id] for field, org_id in named.items()
                    if not (data.kind is RelationKind.SUCCESSOR_OF and field == "body.object_id")]
        starts = [o.valid_from for o in bounding if o.valid_from is not None]
        stops = [o.valid_to for o in bounding if o.valid_to is not None]
        if data.valid_from is None and starts:
            data.valid_from = max(starts)
        if data.valid_to is None and stops:
            data.valid_to = min(stops)
        for field, org_id in named.items():
            org = ends[org_id]
            if data.kind is RelationKind.SUCCESSOR_OF and field == "body.object_id":
                continue
            if not within(org.valid_from, org.valid_to, data.valid_from, data.valid_to):
                raise InvalidInput.field(
                    field, "outside_existence",
                    f"'{org_id}' exists from {org.valid_from or 'before our records'} until "
                    f"{org.valid_to or 'now'}; the relation must start and end within that period.")

    async def _refuse_second_host(self, relation: Relation, *, field: str) -> None:
        """One host per RSS on a date, unless the sources say the hosting is joint (both relations joint). On the
        days each holds by the register's rule (relations/validity.py): an attested-only hosting that is unknown
        after its last attestation is no obstacle to a host recorded or confirmed for a later day."""
        await self.repository.hold_hosts(relation.object_id)
        for other in await self.repository.touching(relation.object_id, kinds={RelationKind.HOSTS.value},
                                                    direction="object"):
            if other.id != relation.id and known_overlap(other, relation) and not (relation.joint and other.joint):
                raise Conflict.field(field, "one_host",
                                     f"'{relation.object_id}' is hosted by '{other.subject_id}' in an overlapping "
                                     f"period (relation '{other.id}'); an RSS has one host at a time unless both "
                                     "hostings are joint.", existing_id=other.id)

    @staticmethod
    def _confirmed_on_creation(data: RelationIn) -> None:
        """A relation a caller confirms without saying when it began is recorded as attested on the day of the
        confirmation by the caller's source: known from that day, its start before it unknown."""
        if data.valid_from is None and not data.attested and data.reported is None:
            data.valid_from = data.confirmed_from
            data.evidence = Evidence.ATTESTED
            data.attested = [data.confirmed_from.isoformat()]

    async def confirm(self, relation_id: str, data: ConfirmIn, if_match: str | None) -> RelationOut:
        """The relation holds on `data.on`, says the caller: from then on it is known until it ends. The stored
        period stays as it was; an earlier confirmation stays the one it is known from."""
        relation = await self.get_or_404(relation_id)
        owner = await self._owner(relation)
        require_county_scope(self.caller, owner, what=f"relation '{relation_id}'")
        check_if_match(if_match, relation.version)
        if not holds_on(relation.valid_from, relation.valid_to, data.on):
            raise Conflict.field("body.on", "outside_period",
                                 f"Relation '{relation_id}' holds from {relation.valid_from or 'before our records'} "
                                 f"until {relation.valid_to or 'further notice'}; {data.on} is outside it. Record "
                                 "a new relation for a later period.")
        if relation.attested_until is None:
            raise Conflict.field("body.on", "known",
                                 f"Relation '{relation_id}' is known for its whole period (evidence "
                                 f"{relation.evidence or 'undated'}); there is nothing to confirm.")
        before = (await self.present([relation], data.on))[0].model_dump(mode="json")
        if relation.confirmed_from is None or data.on < relation.confirmed_from:
            relation.confirmed_from = data.on
        if data.source and data.source not in sources_of(relation.source):
            relation.source = self._with_source(relation.source, data.source)
        if relation.kind == RelationKind.HOSTS.value and \
                (await self.organisations.get(relation.object_id)).kind == OrganisationKind.RSS.value:
            await self._refuse_second_host(relation, field="body.on")
        relation.updated_at = utcnow()
        await self.session.flush()
        out = (await self.present([relation], data.on))[0]
        self.audit.record("confirm", "relation", relation.id, before=before, after=out.model_dump(mode="json"),
                          county=owner)
        return out

    @staticmethod
    def _with_source(sources: str | None, added: str) -> str:
        joined = "; ".join([*sources_of(sources), added])
        limit = Relation.__table__.c.source.type.length  # as many characters as the column holds
        if len(joined) > limit:
            raise InvalidInput.field("body.source", "too_long",
                                     f"The relation's sources with this one would be {len(joined)} characters; "
                                     f"at most {limit} are kept.")
        return joined

    async def _refuse_cycle(self, data: RelationIn) -> None:
        """Following part-of upwards from the object must never lead back to the subject."""
        parents: dict[str, set[str]] = {}
        for r in await self.repository.of_kind(RelationKind.PART_OF.value):
            if overlaps(r.valid_from, r.valid_to, data.valid_from, data.valid_to):
                parents.setdefault(r.subject_id, set()).add(r.object_id)
        seen, stack = set(), [data.object_id]
        while stack:
            current = stack.pop()
            if current == data.subject_id:
                raise InvalidInput.field("body.object_id", "part_of_cycle",
                                         f"'{data.object_id}' is itself part of '{data.subject_id}' in that "
                                         "period; part-of cannot go round in a circle.")
            if current not in seen:
                seen.add(current)
                stack.extend(parents.get(current, ()))
