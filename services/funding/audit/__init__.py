"""Funding's audit trail: who made agreements, allocations and distributions, requisitions and each of their
steps, spending reports, repayment claims, repayments and co-financing agreements. Readable through the API."""
