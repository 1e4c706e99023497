"""The national totals of the report in one row (`national_totals`): the RSS and counties on the date, the year's
money, the needs survey's responses, the status reports and the activities, each as the part it comes from
counted it."""

from __future__ import annotations

from services.reporting.composition.document import Column, Part, Table, percent
from services.reporting.composition.funding import Balance
from services.reporting.composition.surveys import Compilation, Rate

TOTAL_COLUMNS = (Column("rss", "RSS", "integer"), Column("counties", "Län", "integer"),
                 Column("allocated", "Fördelat", "money"), Column("requisitioned", "Rekvirerat", "money"),
                 Column("paid", "Utbetalt", "money"), Column("reported_spent", "Redovisat förbrukat", "money"),
                 Column("repaid", "Återbetalt", "money"), Column("outstanding", "Kvar att återbetala", "money"),
                 Column("invited", "Tillfrågade i behovsinventeringen", "integer"),
                 Column("responded", "Svar i behovsinventeringen", "integer"),
                 Column("response_rate", "Svarsfrekvens", "percent"),
                 Column("status_reports_submitted", "Lägesrapporter inkomna", "integer"),
                 Column("status_reports_on_time", "Lägesrapporter i tid", "integer"),
                 Column("activities", "Aktiviteter", "integer"))


def totals_part(*, year: int, rss: int, counties: int, money: Balance, needs: Rate | None,
                compilation: Compilation | None, activities: int) -> Part:
    row = {"rss": rss, "counties": counties, "allocated": money.allocated, "requisitioned": money.requisitioned,
           "paid": money.paid, "reported_spent": money.reported_spent, "repaid": money.repaid,
           "outstanding": money.outstanding,
           "invited": needs.targets if needs else None, "responded": needs.submitted if needs else None,
           "response_rate": percent(needs.submitted, needs.targets) if needs else None,
           "status_reports_submitted": compilation.submitted if compilation else None,
           "status_reports_on_time": compilation.on_time if compilation else None,
           "activities": activities}
    return Part(tables=[Table("national_totals", f"Nationella summor {year}", "funding-totals", TOTAL_COLUMNS,
                              [row])])
