from services.actors.people.models import Person
from services.actors.people.schemas import PersonBrief, PersonOut
from shared.identity import Principal

ERASED_NAME = ("Erased", "person")


def person_out(person: Person, caller: Principal) -> PersonOut:
    show_contact = caller.is_authenticated
    return PersonOut(id=person.id, name=f"{person.given_name} {person.family_name}", given_name=person.given_name,
                     family_name=person.family_name, email=person.email if show_contact else None,
                     phone=person.phone if show_contact else None, erased=person.erased_at is not None,
                     version=person.version)


def person_brief(person: Person, caller: Principal) -> PersonBrief:
    show_contact = caller.is_authenticated
    return PersonBrief(id=person.id, name=f"{person.given_name} {person.family_name}",
                       email=person.email if show_contact else None, phone=person.phone if show_contact else None)


def audit_snapshot(person: Person) -> dict:
    return {"id": person.id, "given_name": person.given_name, "family_name": person.family_name,
            "email": person.email, "phone": person.phone, "managed_by_county": person.managed_by_county}
