"""The money part of the report, from funding's ledger as of the as-of date: per agreement and county what the
year's funding lines allocated, and what was requisitioned, paid, reported spent, repaid and is still to be
repaid (`money`), with whether each agreement's ledger verifies; and the figures of the year's money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.reporting.composition.document import Column, Figure, Part, Source, Table
from services.reporting.composition.funding import Agreement, Balance, LedgerCheck
from services.reporting.composition.wording import kronor, of

MONEY_COLUMNS = (Column("agreement_id", "Överenskommelse", "string"),
                 Column("registry_number", "Diarienummer", "string"),
                 Column("county_code", "Län", "string"),
                 Column("allocated", "Fördelat", "money"), Column("requisitioned", "Rekvirerat", "money"),
                 Column("paid", "Utbetalt", "money"), Column("reported_spent", "Redovisat förbrukat", "money"),
                 Column("repaid", "Återbetalt", "money"), Column("outstanding", "Kvar att återbetala", "money"),
                 Column("ledger_verified", "Huvudboken verifierad", "boolean"))


@dataclass(frozen=True)
class Money:
    """What funding answered: the agreements of the year, the national balance of the year's lines, per county
    its balance by agreement, and each agreement's ledger check."""

    agreements: list[Agreement]
    total: Balance
    by_county: dict[str, dict[str, Balance]]  # {county: {agreement id: balance}}
    checks: dict[str, LedgerCheck]


def sources(year: int, on: date) -> list[Source]:
    day = on.isoformat()
    return [Source("funding-agreements", "funding", f"/funding/agreements?year={year}", on),
            Source("funding-balances", "funding", f"/funding/balances?by=agreement&county={{county}}&year={year}"
                                                  f"&as_of={day}", on),
            Source("funding-totals", "funding", f"/funding/balances?by=county&year={year}&as_of={day}", on),
            Source("funding-ledger", "funding", "/funding/agreements/{agreement_id}/ledger/verify", on)]


def money_part(money: Money, year: int, on: date, counties: int) -> Part:
    names = {a.id: a for a in money.agreements}
    rows = []
    for county in sorted(money.by_county):
        for agreement_id, balance in sorted(money.by_county[county].items()):
            if not balance.moved:
                continue
            check = money.checks.get(agreement_id)
            agreement = names.get(agreement_id)
            rows.append({"agreement_id": agreement_id,
                         "registry_number": agreement.registry_number if agreement else None,
                         "county_code": county, "allocated": balance.allocated,
                         "requisitioned": balance.requisitioned, "paid": balance.paid,
                         "reported_spent": balance.reported_spent, "repaid": balance.repaid,
                         "outstanding": balance.outstanding,
                         "ledger_verified": check.intact if check else None})
    table = Table("money", f"Medel per överenskommelse och län, {year} års medel", "funding-balances", MONEY_COLUMNS,
                  rows)
    allocated = {r["county_code"] for r in rows if r["allocated"]}
    requisitioned = {r["county_code"] for r in rows if r["requisitioned"]}
    in_rows = sorted({r["agreement_id"] for r in rows})
    verified = sum(1 for a in in_rows if money.checks.get(a) and money.checks[a].intact)
    total = money.total
    figures = [Figure("counties_allocated", "Län som tilldelats medel", len(allocated), counties,
                      of(len(allocated), counties, "län", f"har tilldelats medel av {year} års överenskommelser"),
                      "funding-balances")]
    if rows:
        figures += [
            Figure("counties_requisitioned", "Län som rekvirerat", len(requisitioned), len(allocated),
                   of(len(requisitioned), len(allocated), "län", "som tilldelats medel har rekvirerat"),
                   "funding-balances"),
            Figure("money_allocated", "Fördelat", total.allocated, None,
                   f"Fördelat av {year} års medel: {kronor(total.allocated)}", "funding-totals"),
            Figure("money_paid", "Utbetalt", total.paid, None,
                   f"Utbetalt av {year} års medel: {kronor(total.paid)} av {kronor(total.requisitioned)} "
                   "rekvirerat", "funding-totals"),
            Figure("money_outstanding", "Kvar att återbetala", total.outstanding, None,
                   f"Kvar att återbetala: {kronor(total.outstanding)} av {kronor(total.to_repay)} återkrävt",
                   "funding-totals"),
            Figure("ledgers_verified", "Verifierade huvudböcker", verified, len(in_rows),
                   of(verified, len(in_rows), "överenskommelsers", "huvudböcker är intakta (kedja och summor)"),
                   "funding-ledger"),
        ]
    notes = [] if rows else [f"Inga medel av {year} års överenskommelser i huvudboken per {on.isoformat()}."]
    return Part(tables=[table], figures=figures, sources=sources(year, on), notes=notes, has_data=bool(rows))
