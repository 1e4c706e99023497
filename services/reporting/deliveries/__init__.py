"""Deliveries of the annual report to SKR: one per (year, version), sent as a signed Standard Webhooks POST of the
version's JSON document by a worker inside the service, retried with backoff until the endpoint answers 2xx, or
failed (a 4xx other than 408 and 429 at once; otherwise after the set number of attempts or age); every attempt
kept. And the optional yearly schedule that composes and delivers the previous year's report."""
