"""How a person is shown, and to whom their contact details are shown."""

from services.actors.people.models import Person
from services.actors.people.schemas import PersonBrief, PersonOut
from shared.identity import Principal, Role

ERASED_NAME = ("Erased", "person")


def shows_contact_details(caller: Principal, managed_by_county: str | None, *, in_bulk: bool = False) -> bool:
    """Whether a person's e-mail and phone are shown to `caller`: the one rule for every answer that carries them.

    One person at a time (a person read by id, the holder of a post): to every authenticated caller. People's
    contacts here are public officials' work contacts, which a county system or the dashboard needs to reach
    the holder of a seat. In bulk (the people list, the audit trail): only to national administrators, and to a
    county system for the people its own county manages. A list of every county's officials with their
    e-mail and phone is a harvestable directory rather than a contact, so it stays with those who manage it.
    """
    if not caller.is_authenticated:
        return False
    if not in_bulk:
        return True
    if caller.role is Role.NATIONAL_ADMIN:
        return True
    return caller.role is Role.COUNTY and managed_by_county is not None and managed_by_county == caller.county_code


def person_out(person: Person, caller: Principal, *, in_bulk: bool = False) -> PersonOut:
    show_contact = shows_contact_details(caller, person.managed_by_county if in_bulk else None, in_bulk=in_bulk)
    return PersonOut(id=person.id, name=f"{person.given_name} {person.family_name}", given_name=person.given_name,
                     family_name=person.family_name, email=person.email if show_contact else None,
                     phone=person.phone if show_contact else None, erased=person.erased_at is not None,
                     version=person.version)


def person_brief(person: Person, caller: Principal, *, in_bulk: bool = False) -> PersonBrief:
    show_contact = shows_contact_details(caller, person.managed_by_county if in_bulk else None, in_bulk=in_bulk)
    return PersonBrief(id=person.id, name=f"{person.given_name} {person.family_name}",
                       email=person.email if show_contact else None, phone=person.phone if show_contact else None)


def audit_snapshot(person: Person) -> dict:
    return {"id": person.id, "given_name": person.given_name, "family_name": person.family_name,
            "email": person.email, "phone": person.phone, "managed_by_county": person.managed_by_county}
