"""STAND-IN for the delivery of reports to SKR (Standard Webhooks signing, the backoff policy, one attempt),
with the names and signatures the service calls; replaced by the real package when the two are merged."""
