"""The annual report's composition: what the other services answer through the gateway (the actor registry,
funding, surveys), read concurrently and typed (`platform.py`, `funding.py`, `surveys.py`, and
shared/registry_client.py for the registry), made into the document of the contract (`document.py`) by one
module per part of the report (`structure.py`, `money.py`, `needs.py`, `status_reports.py`, `activities.py`,
`totals.py`), put together by `compose.py`. The parts are pure functions of what was read, tested in-process."""
