"""Every table of the actor registry, imported in one place for the migrations."""

from services.actors.audit.models import AuditEvent
from services.actors.changes.models import RegistryState
from services.actors.geography.models import County, Municipality, MunicipalityPopulation
from services.actors.organisations.models import ContactChannel, Organisation, OrganisationIdentifier, OrganisationName
from services.actors.people.models import Person
from services.actors.population_bases.models import PopulationBasis, PopulationBasisRow
from services.actors.posts.models import Membership, Post
from services.actors.relations.models import Relation

__all__ = ["AuditEvent", "ContactChannel", "County", "Membership", "Municipality", "MunicipalityPopulation",
           "Organisation", "OrganisationIdentifier", "OrganisationName", "Person", "PopulationBasis",
           "PopulationBasisRow", "Post", "RegistryState", "Relation"]
