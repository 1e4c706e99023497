"""Reporting's audit trail: who generated which version of a year's report, who recorded which activity, who
asked for a delivery to SKR and how it ended. Readable through the API."""
