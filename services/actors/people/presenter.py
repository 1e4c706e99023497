"""How a person is shown, and to whom their contact details are shown."""

from __future__ import annotations

from typing import Any

from services.actors.people.schemas import PersonBrief, PersonOut
from shared.identity import Principal, Role

ERASED_NAME = ("Erased", "person")
NATIONAL_AUDIENCE = "national"
NO_AUDIENCE = "none"


def contact_audience(caller: Principal) -> str:
    """Whose e-mail and phone `caller` sees, as a key: `national` (everyone's), `county-XX` (the people county XX
    manages) or `none`. Two callers with the same audience get the same answer wherever a person is shown, so an
    answer kept for one (an in-memory answer, an ETag) is kept under it."""
    if caller.role is Role.NATIONAL_ADMIN:
        return NATIONAL_AUDIENCE
    if caller.role is Role.COUNTY and caller.county_code:
        return f"county-{caller.county_code}"
    return NO_AUDIENCE


def shows_contact_details(caller: Principal, managed_by_county: str | None) -> bool:
    """Whether a person's e-mail and phone are shown to `caller`: the one rule for every answer that carries them,
    whether it shows one person or many, and whichever record it reaches them through (a person, a post's holder,
    a membership, a group's members, the representatives, an export, the audit trail).

    Only to national administrators, and to a county system for the people its own county manages
    (`managed_by_county`, the county whose system registered them). Every other caller, the dashboard, respondents
    and other counties included, gets the name without the contacts: otherwise the officials of every county could
    be collected with their e-mail and phone, one read after another.
    """
    audience = contact_audience(caller)
    return audience == NATIONAL_AUDIENCE or (
        managed_by_county is not None and audience == f"county-{managed_by_county}")


def _name_and_contacts(person: Any, caller: Principal) -> tuple[str, str | None, str | None]:
    """A person's name, e-mail and phone as `caller` sees them. `person`: a Person, or a record or row with its
    columns; its `managed_by_county` is required, so no person is shown without the rule being applied."""
    shown = shows_contact_details(caller, person.managed_by_county)
    return (f"{person.given_name} {person.family_name}", person.email if shown else None,
            person.phone if shown else None)


def person_out(person: Any, caller: Principal) -> PersonOut:
    name, email, phone = _name_and_contacts(person, caller)
    return PersonOut(id=person.id, name=name, given_name=person.given_name, family_name=person.family_name,
                     email=email, phone=phone, erased=person.erased_at is not None, version=person.version)


def person_brief(person: Any, caller: Principal) -> PersonBrief:
    """A person wherever another answer embeds one (a post's holder, a membership's person)."""
    name, email, phone = _name_and_contacts(person, caller)
    return PersonBrief(id=person.id, name=name, email=email, phone=phone)


def audit_snapshot(person: Any) -> dict:
    return {"id": person.id, "given_name": person.given_name, "family_name": person.family_name,
            "email": person.email, "phone": person.phone, "managed_by_county": person.managed_by_county}
