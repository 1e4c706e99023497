"""The code lists the platform ships, each with its source among the seed documents.

Processes carry who initiates, supports and receives them (seed 001, appendix 1) as level codes; "alla" means
every level.
"""

from __future__ import annotations

from typing import Any

FOCUS_AREAS = "fokusomraden"
PROCESSES = "kunskapsprocesser"
MISSION_AREAS = "rss-uppdrag"
LEVELS = "nivaer"

CODE_LISTS: list[dict[str, Any]] = [
    {"id": FOCUS_AREAS, "title": "Fokusområden",
     "source": "SKR:s sju nationella nätverk utifrån fokusområden (statusbeskrivning Stockholms län 2019)",
     "codes": [("barn-och-unga", "Barn och unga"),
               ("digitalisering", "Digitalisering inom socialtjänst"),
               ("funktionshinder", "Funktionshinder"),
               ("kvinnofrid", "Kvinnofrid"),
               ("missbruk-och-beroende", "Missbruk och beroende (MILK)"),
               ("systematisk-uppfoljning", "Systematisk uppföljning"),
               ("aldre", "Äldre")]},
    {"id": PROCESSES, "title": "Kunskapsutvecklingens processer",
     "source": "Modell för samverkan mellan RSS och nationell nivå (SKL 2016/17), bilaga 1",
     "codes": [("anvanda-kunskap", "Använda kunskap", "kommun", "kommun", "alla"),
               ("synliggora-praktikens-kunskap", "Synliggöra praktikens kunskap", "kommun", "regional", "alla"),
               ("synliggora-brukares-kunskap", "Synliggöra brukares kunskap", "kommun", "regional", "alla"),
               ("implementering", "Implementering av kunskap", "alla", "nationell/regional", "kommun"),
               ("folja-upp-verksamheten", "Följa upp verksamheten", "kommun", "regional", "alla"),
               ("identifiera-kunskapsbehov", "Identifiera praktikens kunskapsbehov", "kommun", "regional",
                "nationell"),
               ("sammanstalla-kunskap", "Sammanställa bästa tillgängliga kunskap", "nationell", "nationell",
                "regional/kommun"),
               ("sprida-kunskap", "Sprida kunskap", "nationell", "regional", "kommun"),
               ("identifiera-kunskapsluckor", "Identifiera vetenskapliga kunskapsluckor", "nationell", "regional",
                "nationell")]},
    {"id": MISSION_AREAS, "title": "RSS uppdrag",
     "source": "Den regionala samverkans- och stödstrukturens uppdrag (statusbeskrivning Stockholms län 2019)",
     "codes": [("identifiera-behov", "Identifiera behov av kunskapsutveckling"),
               ("samla-och-sprida", "Samla och sprida bästa tillgängliga kunskap och beprövad erfarenhet"),
               ("uppfoljning-och-analys", "Stödja systematisk uppföljning och analys"),
               ("forbattringsarbete", "Stödja systematiskt förbättringsarbete och implementering"),
               ("kompetensutveckling", "Stödja kompetensutveckling")]},
    {"id": LEVELS, "title": "Nivåer",
     "source": "Modell för samverkan mellan RSS och nationell nivå (SKL 2016/17): lokalt, regionalt eller nationellt",
     "codes": [("lokal", "Lokal nivå (kommunen)"), ("regional", "Regional nivå (länet)"),
               ("nationell", "Nationell nivå")]},
]


def code_rows(entry: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for position, code in enumerate(entry["codes"], start=1):
        properties = ({"initiativtagare": code[2], "stod": code[3], "mottagare": code[4]} if len(code) == 5
                      else {})
        rows.append({"code": code[0], "display": code[1], "position": position, "properties": properties})
    return rows
