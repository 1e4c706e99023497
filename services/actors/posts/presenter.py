"""How a post and a membership are shown: the one place each becomes its answer (PostOut, MembershipOut).

A post reads the same whether it is an ORM object (a single post, a write), a PostRecord (list pages, the
representatives read, exports) or a row of the posts table; its holder is a Membership's person with the
membership's id (posts.repository.Holder, or a row of the same columns). A holder, and a membership's person, is
always presented by the people's person_brief: whoever asks, its e-mail and phone follow the one people rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from services.actors.organisations.presenter import contact_out
from services.actors.organisations.schemas import OrganisationRef
from services.actors.people.presenter import person_brief
from services.actors.people.schemas import PersonBrief
from services.actors.posts.models import Membership, Post
from services.actors.posts.schemas import MembershipOut, PostOut
from shared.identity import Principal
from shared.periods import holds_on


def post_out(post: Any, *, organisations: Mapping[str, OrganisationRef], contacts: Iterable[Any],
             holder: Any | None, caller: Principal, on: date) -> PostOut:
    """`organisations`: references by id, the post's organisation and whom it is held on behalf of among them;
    `holder`: a Holder or a row of its columns, presented by person_brief (its contacts by the people rule)."""
    return PostOut(
        id=post.id, organisation=organisations[post.organisation_id], role=post.role, label=post.label,
        on_behalf_of=organisations[post.on_behalf_of_id] if post.on_behalf_of_id else None,
        valid_from=post.valid_from, valid_to=post.valid_to, active=holds_on(post.valid_from, post.valid_to, on),
        contacts=[contact_out(c) for c in contacts],
        holder=person_brief(holder, caller) if holder is not None else None,
        holder_membership_id=holder.membership_id if holder is not None else None, source=post.source, as_of=on,
        version=post.version)


def membership_out(membership: Membership | Any, *, post: Post | Any, person: PersonBrief,
                   organisations: Mapping[str, OrganisationRef], on: date) -> MembershipOut:
    return MembershipOut(
        id=membership.id, post_id=post.id, role=post.role, organisation=organisations[post.organisation_id],
        on_behalf_of=organisations[post.on_behalf_of_id] if post.on_behalf_of_id else None, person=person,
        valid_from=membership.valid_from, valid_to=membership.valid_to,
        active=holds_on(membership.valid_from, membership.valid_to, on), note=membership.note,
        version=membership.version)
