"""Receipts: every answer that moved money carries a signed checkpoint of each chain it appended to.

The ledger notes the new head of each agreement it appends to (`appended`); the middleware signs those heads when
the answer starts (the request's transaction has committed by then: shared.database.Session) and sends them as
one `Ledger-Receipt` header, comma-separated when several agreements moved. A failed request appended nothing
that lasts and gets no receipt; a replayed answer (Idempotency-Key) appended nothing either: the agreement's
current checkpoint is at GET /agreements/{id}/ledger/checkpoint.
"""

from __future__ import annotations

from contextvars import ContextVar

from services.funding.ledger.chain import receipt_token, sign_checkpoint
from services.funding.ledger.keys import ledger_keys
from shared.records import utcnow

RECEIPT_HEADER = "Ledger-Receipt"
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
# The heads appended to during the request being handled (agreement -> (position, head hash)); None outside one.
_HEADS: ContextVar[dict[str, tuple[int, str]] | None] = ContextVar("ledger_heads", default=None)


def appended(agreement_id: str, position: int, head_hash: str) -> None:
    heads = _HEADS.get()
    if heads is not None:
        heads[agreement_id] = (position, head_hash)


def receipts(heads: dict[str, tuple[int, str]]) -> str:
    keys, now = ledger_keys(), utcnow()
    return ",".join(receipt_token(sign_checkpoint(keys, agreement_id, position, head, now))
                    for agreement_id, (position, head) in sorted(heads.items()))


class LedgerReceiptMiddleware:
    """Pure ASGI: adds the header to a successful answer of a request that appended to the ledger."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http" or scope["method"] in _READS:
            await self.app(scope, receive, send)
            return
        heads: dict[str, tuple[int, str]] = {}

        async def send_with_receipt(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start" and heads and 200 <= message["status"] < 300:
                header = (RECEIPT_HEADER.lower().encode(), receipts(heads).encode())
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        token = _HEADS.set(heads)
        try:
            await self.app(scope, receive, send_with_receipt)
        finally:
            _HEADS.reset(token)
