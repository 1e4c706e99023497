"""The questionnaires the platform ships, published by `python -m services.surveys setup`:

* behovsinventering: the needs survey built from the code lists: for each focus area how urgent the need for
  knowledge development is, which of the knowledge-development processes need support and which level should
  act (seed 001: locally, regionally or nationally), and the RSS mission areas ranked;
* lagesrapport: the county's yearly status report: the twelve points of SKL's April 2012 template (seed 002),
  the five aspects of the 2013 county plans (seed 004), who signed in which role and for which principals, which
  body decided at which level (political or official; local, regional or national), and when.

A shipped questionnaire is a list of versions, oldest first. A published version never changes, so a change to a
shipped template is a further version here: setup publishes the shipped versions a database does not have yet,
each as the questionnaire's next version, and rounds already sent keep the version they were sent with.
lagesrapport version 2 makes the decision's level and scope multiple choice: seed 004's plans include one
decided "wholly or partly" at political level (Skåne: in the municipal association's board and in a county group
of senior officials) and one decided both in the regional association's primary-municipal committee and in every
municipality (Jönköping), which version 1's single choices could not record.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.codelists.reference import CODE_LISTS, FOCUS_AREAS, LEVELS, MISSION_AREAS, PROCESSES
from services.surveys.questionnaires.schemas import QuestionnaireIn
from services.surveys.questionnaires.service import QuestionnaireService
from shared.identity import Principal, Role

NEEDS_SURVEY = "behovsinventering"
STATUS_REPORT = "lagesrapport"
URGENT_FROM = 3  # on the 1-5 scale: from "fairly urgent" the follow-up questions are asked

STATUS_REPORT_POINTS = [  # SKL's template of April 2012 (seed 002, "Mall för lägesrapporterna")
    ("struktur", "Den strukturella uppbyggnaden av länets stödstruktur (organisation, arbetsgivare, samverkans- "
                 "och styrgrupper)"),
    ("politiskt-agarskap", "Det politiska ägarskapet och den politiska styrningen"),
    ("funktionsnedsattning", "Hur verksamhetsområdet stöd till personer med funktionsnedsättning har införlivats "
                             "i stödstrukturen"),
    ("halso-och-sjukvard", "Samverkan mellan socialtjänsten och angränsande områden inom hälso- och sjukvården"),
    ("langsiktigt-atagande", "Hur det fortsatta och långsiktiga åtagandet är utformat för huvudmännen"),
    ("kontaktfunktion", "Länets kontaktfunktion till SKR med mandat att föra dialog (en funktion, inte en person)"),
    ("fou-miljoer", "FoU-miljöernas roll i den regionala stödstrukturen"),
    ("alternativa-utforare", "Hur de alternativa utförarna berörs av och har tillgång till stödstrukturen"),
    ("utvecklingsledare", "Hur utvecklingsledarna inom de nationella satsningarna utgör en del av stödstrukturen"),
    ("brukarmedverkan", "Stödstrukturens arbete med brukarmedverkan"),
    ("universitet", "Samverkan med universitet och högskolor"),
    ("verksamhetsnara-stod", "Verksamhetsnära stöd i övrigt: handledning, utbildning, metodstöd, utvärdering, "
                             "implementering av riktlinjer, Öppna jämförelser, systematisk uppföljning"),
]
COUNTY_PLAN_ASPECTS = [  # the compilation of the 2013 county plans (seed 004, "Rapportens disposition")
    ("beslut-kommande-ar", "Beslut som behöver fattas av huvudmännen de kommande två åren för att säkra "
                           "långsiktigheten"),
    ("politisk-arena", "Stödstrukturen som arena för politisk samverkan"),
    ("nationell-dialog", "Stödstrukturens roll som dialogpartner med den nationella nivån"),
    ("larosaten", "Samverkan med universitet och högskolor om forskning och utbildning"),
    ("brukarmedverkan-framat", "En ökad betoning på brukarmedverkan"),
]
SIGNATORY_ROLES = [  # who signed the 2013 county plans (seed 004)
    ("region-eller-forbundsdirektor", "Region- eller förbundsdirektör"),
    ("kommunsidan", "Företrädare för kommunerna"),
    ("landstingsdirektor", "Landstings-, region- eller hälso- och sjukvårdsdirektör"),
    ("fortroendevald", "Förtroendevald styrelseordförande"),
    ("forvaltningschef", "Kommunal förvaltningschef"),
    ("enhetschef", "Enhetschef"),
    ("fou-forestandare", "FoU-föreståndare"),
]
DECISION_LEVELS = [("politisk", "Politisk nivå"), ("tjansteman", "Tjänstemannanivå")]
PRINCIPALS = [("kommunerna", "Kommunerna"), ("landstinget", "Landstinget eller regionen")]  # seed 004: both sides


def _codes(code_list: str) -> list[tuple[str, str]]:
    entry = next(e for e in CODE_LISTS if e["id"] == code_list)
    return [(c[0], c[1]) for c in entry["codes"]]


def needs_survey() -> QuestionnaireIn:
    items: list[dict[str, Any]] = []
    for code, display in _codes(FOCUS_AREAS):
        prefix = f"behov.{code}"
        asked = [{"question": f"{prefix}.angelagenhet", "operator": ">=", "answer": URGENT_FROM}]
        items.append({"link_id": prefix, "text": display, "type": "group", "category": code, "items": [
            {"link_id": f"{prefix}.angelagenhet", "type": "scale", "required": True, "category": code,
             "min_value": 1, "max_value": 5,
             "text": f"Hur angeläget är behovet av kunskapsutveckling inom {display[0].lower() + display[1:]}? "
                     "(1 = inte alls, 5 = mycket)"},
            {"link_id": f"{prefix}.processer", "type": "multiple_choice", "code_list": PROCESSES, "category": code,
             "required": True, "enable_when": asked,
             "text": "Vilka av kunskapsutvecklingens processer behöver stöd?"},
            {"link_id": f"{prefix}.niva", "type": "single_choice", "code_list": LEVELS, "category": code,
             "required": True, "enable_when": asked, "text": "Vilken nivå bör i första hand agera?"},
        ]})
    items.append({"link_id": "uppdrag.rangordning", "type": "ranking", "code_list": MISSION_AREAS,
                  "text": "Rangordna stödstrukturens uppdrag efter hur mycket ni behöver dem (viktigast först)"})
    items.append({"link_id": "ovrigt", "type": "text", "max_length": 4000,
                  "text": "Övriga behov av kunskapsutveckling som ni vill lyfta"})
    return QuestionnaireIn.model_validate({
        "id": NEEDS_SURVEY, "title": "Behovsinventering inför kommande års överenskommelse",
        "description": "Kommunernas behov av kunskapsutveckling per fokusområde, sammanställt av länets RSS och "
                       "till en nationell bild i Partnerskapet.", "items": items})


def status_report(version: int = 2) -> QuestionnaireIn:
    """The status-report template as shipped in `version` (1: one decision level and scope; 2: any of them)."""
    multiple = version >= 2
    points = [{"link_id": f"punkt.{code}", "type": "text", "required": True, "max_length": 4000,
               "text": f"{n}. {text}"} for n, (code, text) in enumerate(STATUS_REPORT_POINTS, start=1)]
    aspects = [{"link_id": f"plan.{code}", "type": "text", "max_length": 4000, "text": text}
               for code, text in COUNTY_PLAN_ASPECTS]
    return QuestionnaireIn.model_validate({
        "id": STATUS_REPORT, "title": "Länets lägesrapport om den regionala samverkans- och stödstrukturen",
        "description": "Årlig rapport till SKR; punkterna följer SKL:s mall från april 2012 och aspekterna i "
                       "länsplanerna 2013.",
        "items": [
            {"link_id": "mall", "type": "group", "text": "Lägesrapportens punkter", "items": points},
            {"link_id": "plan", "type": "group", "text": "Länsplanens aspekter", "items": aspects},
            {"link_id": "beslut", "type": "group", "text": "Beslut och underskrifter", "items": [
                {"link_id": "beslut.organ", "type": "text", "required": True, "max_length": 300,
                 "text": "Vilket organ har fattat beslut om rapporten?"},
                {"link_id": "beslut.niva", "type": "multiple_choice" if multiple else "single_choice",
                 "required": True, "options": [{"code": c, "display": d} for c, d in DECISION_LEVELS],
                 "text": "På vilken nivå fattades beslutet? (båda, om det fattades helt eller delvis på politisk "
                         "nivå)" if multiple else "På vilken nivå fattades beslutet?"},
                {"link_id": "beslut.omfang", "type": "multiple_choice" if multiple else "single_choice",
                 "required": True, "code_list": LEVELS,
                 "text": "Fattades beslutet lokalt (i varje kommun), regionalt (i ett länsgemensamt organ) eller "
                         "nationellt? (alla som gäller)" if multiple else
                         "Fattades beslutet lokalt (i varje kommun), regionalt (i ett länsgemensamt organ) eller "
                         "nationellt?"},
                {"link_id": "beslut.datum", "type": "date", "required": True, "text": "Beslutsdatum"},
                {"link_id": "underskrifter.namn", "type": "text", "required": True, "max_length": 2000,
                 "text": "Undertecknare: namn och befattning, en per rad"},
                {"link_id": "underskrifter.roller", "type": "multiple_choice", "required": True,
                 "options": [{"code": c, "display": d} for c, d in SIGNATORY_ROLES],
                 "text": "I vilka roller har rapporten undertecknats?"},
                {"link_id": "underskrifter.huvudman", "type": "multiple_choice", "required": True,
                 "options": [{"code": c, "display": d} for c, d in PRINCIPALS],
                 "text": "För vilka huvudmän har rapporten undertecknats?"},
            ]}]})


SETUP = Principal(subject="surveys-setup", role=Role.NATIONAL_ADMIN)


def shipped_versions() -> list[list[QuestionnaireIn]]:
    """Each shipped questionnaire's versions, oldest first."""
    return [[needs_survey()], [status_report(1), status_report(2)]]


async def load_templates(session: AsyncSession) -> dict[str, int]:
    questionnaires = QuestionnaireService(session, SETUP)
    return {"questionnaires": sum([await questionnaires.ship(versions) for versions in shipped_versions()])}
