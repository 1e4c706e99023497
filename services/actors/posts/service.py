"""Posts exist with or without a holder; a post has at most one holder at a time; nothing is deleted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.geography.models import County
from services.actors.organisations.models import ContactChannel, Organisation
from services.actors.organisations.presenter import organisation_refs
from services.actors.organisations.repository import OrganisationRepository
from services.actors.organisations.schemas import OrganisationRef
from services.actors.people.models import Person
from services.actors.people.presenter import person_brief
from services.actors.posts.models import Membership, Post
from services.actors.posts.presenter import membership_out, post_out
from services.actors.posts.repository import PostRecord, PostRepository
from services.actors.posts.schemas import MembershipIn, MembershipOut, PostIn, PostOut
from services.actors.relations.consistency import SEAT_ROLES, within
from services.actors.relations.models import RelationKind
from services.actors.relations.repository import RelationRepository
from shared.audit import AuditTrail
from shared.authorization import require_county_scope
from shared.etag import check_if_match
from shared.identity import Principal
from shared.known_records import get_record, require_reference
from shared.pagination import Page, PageRequest
from shared.periods import CloseIn, check_period, overlaps
from shared.problems import Conflict, FieldError, InvalidInput, NotFound
from shared.records import new_record_id, utcnow


class PostService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = PostRepository(session)
        self.organisations = OrganisationRepository(session)
        self.audit = AuditTrail(session, caller, AuditEvent)

    # --- reading -------------------------------------------------------------------------------------------

    async def _organisation_refs(self, posts: Iterable[Post | PostRecord], on: date) -> dict[str, OrganisationRef]:
        """The organisations the posts are in and held on behalf of."""
        ids = {p.organisation_id for p in posts} | {p.on_behalf_of_id for p in posts if p.on_behalf_of_id}
        return organisation_refs(await self.organisations.heads(ids), on)

    async def present_posts(self, posts: Sequence[Post | PostRecord], on: date) -> list[PostOut]:
        organisations = await self._organisation_refs(posts, on)
        holders = await self.repository.holders_on([p.id for p in posts], on)
        return [post_out(post, organisations=organisations, contacts=post.contacts, holder=holders.get(post.id),
                         caller=self.caller, on=on) for post in posts]

    async def present_memberships(self, memberships: list[Membership], on: date) -> list[MembershipOut]:
        posts = await self.repository.get_many({m.post_id for m in memberships})
        people = await self.repository.people({m.person_id for m in memberships})
        organisations = await self._organisation_refs(posts.values(), on)
        return [membership_out(m, post=posts[m.post_id], person=person_brief(people[m.person_id], self.caller),
                               organisations=organisations, on=on) for m in memberships]

    async def post_or_404(self, post_id: str) -> Post:
        return await self.repository.get_or_404(post_id)

    async def read_post(self, post_id: str, on: date) -> PostOut:
        return (await self.present_posts([await self.post_or_404(post_id)], on))[0]

    async def search_posts(self, *, organisation_id: str | None, on_behalf_of_id: str | None, role: str | None,
                           county: str | None, vacant: bool | None, as_of: date,
                           paging: PageRequest) -> Page[PostOut]:
        await require_reference(self.session, Organisation, organisation_id, field="query.organisation",
                                what="organisation")
        await require_reference(self.session, Organisation, on_behalf_of_id, field="query.on_behalf_of",
                                what="organisation")
        await require_reference(self.session, County, county, field="query.county", what="county")
        after = paging.after_key(str)
        rows, count = await self.repository.search(organisation_id=organisation_id, on_behalf_of_id=on_behalf_of_id,
                                                   role=role, network_county=county, vacant=vacant, as_of=as_of,
                                                   after=after, limit=paging.limit + 1)
        items = await self.present_posts(list(rows), as_of)
        return paging.page(items, count=count, sort_key=lambda p: [p.id])

    async def search_memberships(self, *, person_id: str | None, post_id: str | None, as_of: date | None,
                                 paging: PageRequest) -> Page[MembershipOut]:
        await require_reference(self.session, Person, person_id, field="query.person", what="person")
        await require_reference(self.session, Post, post_id, field="query.post", what="post")
        after = paging.after_key(str)
        rows, count = await self.repository.memberships(person_id=person_id, post_id=post_id, as_of=as_of,
                                                        after=after, limit=paging.limit + 1)
        items = await self.present_memberships(list(rows), as_of or date.today())
        return paging.page(items, count=count, sort_key=lambda m: [m.id])

    # --- writing -------------------------------------------------------------------------------------------

    async def create_post(self, data: PostIn) -> tuple[PostOut, bool]:
        check_period(data.valid_from, data.valid_to)
        if data.id is not None:
            await self.repository.hold_id(Post, data.id)
        if data.id is not None and (existing := await self.repository.get(data.id)) is not None:
            await self._require_post_write(existing, field="body.id")
            if (existing.organisation_id, existing.role, existing.on_behalf_of_id) == \
                    (data.organisation_id, data.role.value, data.on_behalf_of_id):
                return (await self.present_posts([existing], date.today()))[0], False
            raise Conflict.field("body.id", "conflict", f"The id '{data.id}' is already used by another post.")
        orgs = await self._organisations(data.organisation_id, data.on_behalf_of_id)
        owner = orgs[data.organisation_id].county_code
        require_county_scope(self.caller, owner, what="a post", field="body.organisation_id",
                             references={"body.on_behalf_of_id": orgs[data.on_behalf_of_id].county_code}
                             if data.on_behalf_of_id else None)
        await self._refuse_seat_of_non_member(data)
        post = Post(id=data.id or new_record_id("post"), organisation_id=data.organisation_id, role=data.role.value,
                    label=data.label, on_behalf_of_id=data.on_behalf_of_id, valid_from=data.valid_from,
                    valid_to=data.valid_to, source=data.source,
                    contacts=[ContactChannel(kind=c.kind.value, value=c.value, label=c.label) for c in data.contacts])
        self.session.add(post)
        await self.session.flush()
        out = (await self.present_posts([post], date.today()))[0]
        self.audit.record("create", "post", post.id, after=out.model_dump(mode="json", exclude={"holder", "as_of"}),
                          county=owner)
        return out, True

    async def _refuse_seat_of_non_member(self, data: PostIn) -> None:
        """A seat in a group with member organisations is held on behalf of a member, for the seat's period."""
        if data.role.value not in SEAT_ROLES or data.on_behalf_of_id is None:
            return
        memberships = await RelationRepository(self.session).touching(
            data.organisation_id, kinds={RelationKind.MEMBER_OF.value}, direction="object")
        if not memberships:
            return
        if not any(m.subject_id == data.on_behalf_of_id and within(m.valid_from, m.valid_to, data.valid_from,
                                                                   data.valid_to) for m in memberships):
            raise InvalidInput.field("body.on_behalf_of_id", "not_a_member",
                                     f"'{data.on_behalf_of_id}' is not a member of '{data.organisation_id}' for "
                                     "the whole period of the seat; a seat is held on behalf of a member.")

    async def close_post(self, post_id: str, data: CloseIn, if_match: str | None) -> PostOut:
        # Locked, as a new membership locks it: none can start while this checks that none outlasts the end.
        post = await self.repository.get_for_update(post_id)
        if post is None:
            raise NotFound(f"No post has id '{post_id}'.")
        owner = await self._require_post_write(post)
        check_if_match(if_match, post.version)
        if post.valid_to is not None:
            raise Conflict(f"Post '{post_id}' already ended on {post.valid_to}.")
        check_period(post.valid_from, data.valid_to)
        for m in await self.repository.memberships_of_post(post.id):
            if m.valid_to is None or m.valid_to > data.valid_to:
                raise Conflict(f"Post '{post_id}' is held until after {data.valid_to} (membership '{m.id}'); "
                               "end that membership first.", existing_id=m.id)
        before = (await self.present_posts([post], date.today()))[0].model_dump(mode="json", exclude={"as_of"})
        post.valid_to = data.valid_to
        post.updated_at = utcnow()
        await self.session.flush()
        out = (await self.present_posts([post], date.today()))[0]
        self.audit.record("close", "post", post.id, before=before, after=out.model_dump(mode="json", exclude={"as_of"}),
                          county=owner)
        return out

    async def create_membership(self, data: MembershipIn) -> tuple[MembershipOut, bool]:
        check_period(data.valid_from, data.valid_to)
        if data.id is not None:
            await self.repository.hold_id(Membership, data.id)
        if data.id is not None and (existing := await self.repository.membership(data.id)) is not None:
            await self._require_post_write(await self.post_or_404(existing.post_id),
                                           what=f"membership '{data.id}'", field="body.id")
            if (existing.post_id, existing.person_id, existing.valid_from) == \
                    (data.post_id, data.person_id, data.valid_from):
                return (await self.present_memberships([existing], date.today()))[0], False
            raise Conflict.field("body.id", "conflict",
                                 f"The id '{data.id}' is already used by another membership.")
        post = await self.repository.get_for_update(data.post_id)
        if post is None:
            raise InvalidInput.field("body.post_id", "unknown_reference", f"No post has id '{data.post_id}'.")
        owner = await self._require_post_write(post, what="a membership", field="body.post_id")
        person = await get_record(self.session, Person, data.person_id)
        if person is None:
            raise InvalidInput.field("body.person_id", "unknown_reference", f"No person has id '{data.person_id}'.")
        if (post.valid_from and (data.valid_from is None or data.valid_from < post.valid_from)) or \
                (post.valid_to and (data.valid_to is None or data.valid_to > post.valid_to)):
            raise InvalidInput.field("body.valid_from", "outside_post_period",
                                     f"Post '{post.id}' exists from {post.valid_from or 'the start'} until "
                                     f"{post.valid_to or 'further notice'}; the membership must lie within it.")
        for other in await self.repository.memberships_of_post(post.id):
            if overlaps(other.valid_from, other.valid_to, data.valid_from, data.valid_to):
                message = (f"Post '{post.id}' is already held in an overlapping period (membership "
                           f"'{other.id}', {other.valid_from or '…'} to {other.valid_to or '…'}).")
                raise Conflict(message, errors=[FieldError("body.valid_from", "overlapping_membership", message)],
                               existing_id=other.id)
        membership = Membership(id=data.id or new_record_id("mship"), post_id=post.id, person_id=person.id,
                                valid_from=data.valid_from, valid_to=data.valid_to, note=data.note)
        self.session.add(membership)
        await self.session.flush()
        out = (await self.present_memberships([membership], date.today()))[0]
        self.audit.record("create", "membership", membership.id, after=out.model_dump(mode="json"), county=owner)
        return out, True

    async def close_membership(self, membership_id: str, data: CloseIn, if_match: str | None) -> MembershipOut:
        membership = await self.repository.membership(membership_id)
        if membership is None:
            raise NotFound(f"No membership has id '{membership_id}'.")
        owner = await self._require_post_write(await self.post_or_404(membership.post_id),
                                                what=f"membership '{membership_id}'")
        check_if_match(if_match, membership.version)
        if membership.valid_to is not None:
            raise Conflict(f"Membership '{membership_id}' already ended on {membership.valid_to}.")
        check_period(membership.valid_from, data.valid_to)
        before = (await self.present_memberships([membership], date.today()))[0].model_dump(mode="json")
        membership.valid_to = data.valid_to
        membership.updated_at = utcnow()
        await self.session.flush()
        out = (await self.present_memberships([membership], date.today()))[0]
        self.audit.record("close", "membership", membership.id, before=before, after=out.model_dump(mode="json"),
                          county=owner)
        return out

    async def _organisations(self, organisation_id: str, on_behalf_of_id: str | None) -> dict[str, Organisation]:
        orgs = await self.organisations.get_many({organisation_id} | ({on_behalf_of_id} if on_behalf_of_id else set()))
        if organisation_id not in orgs:
            raise InvalidInput.field("body.organisation_id", "unknown_reference",
                                     f"No organisation has id '{organisation_id}'.")
        if on_behalf_of_id and on_behalf_of_id not in orgs:
            raise InvalidInput.field("body.on_behalf_of_id", "unknown_reference",
                                     f"No organisation has id '{on_behalf_of_id}'.")
        return orgs

    async def _require_post_write(self, post: Post, *, what: str | None = None,
                                  field: str | None = None) -> str | None:
        """The post's owning county (its organisation's, and so its memberships'), once the caller may write
        there."""
        organisation = await self.organisations.get(post.organisation_id)
        owner = organisation.county_code if organisation is not None else None
        require_county_scope(self.caller, owner, what=what or f"post '{post.id}'", field=field)
        return owner
