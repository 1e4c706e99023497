"""The ledger's rules: entries are appended (never changed), chained by a keyed MAC, anchored by signed
checkpoints (receipts), and summed into balances."""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.repository import AgreementRepository
from services.funding.ledger import receipts
from services.funding.ledger.chain import (
    GENESIS,
    checkpoint_signature,
    entry_mac,
    instant,
    legacy_hash,
    read_receipt_token,
    receipt_token,
    sign_checkpoint,
)
from services.funding.ledger.keys import LedgerKeys, ledger_keys
from services.funding.ledger.models import EntryType, LedgerEntry
from services.funding.ledger.presenter import (
    balances_out,
    checkpoint_out,
    ledger_out,
    overview_out,
    totals_verification_out,
    verification_out,
)
from services.funding.ledger.repository import LedgerRepository
from services.funding.ledger.schemas import (
    Balance,
    BalancesOut,
    ChainBreak,
    Checkpoint,
    CheckpointOut,
    GroupBalance,
    LedgerOut,
    OverviewOut,
    ReceiptCheck,
    TotalDifference,
    TotalsVerificationOut,
    VerificationOut,
)
from shared.identity import Principal
from shared.money import format_ore
from shared.problems import InvalidInput, NotFound
from shared.records import utcnow

MAX_TOTAL_ORE = 2**63 - 1  # a BIGINT, the column of every amount and running total

BALANCE_OF = {EntryType.COMMITMENT: "committed", EntryType.ALLOCATION: "allocated",
              EntryType.REQUISITION: "requisitioned", EntryType.DISBURSEMENT: "paid",
              EntryType.DISTRIBUTION: "distributed",
              EntryType.EXPENDITURE: "reported_spent", EntryType.REPAYMENT_CLAIM: "to_repay",
              EntryType.REPAYMENT: "repaid"}
_BALANCE_OF_KIND = {kind.value: name for kind, name in BALANCE_OF.items()}  # as stored: no enum made per row


@dataclass(frozen=True)
class NewEntry:
    """An entry to append: what happened; position, hashes, actor and request id are the ledger's."""

    entry_type: EntryType
    amount_ore: int
    provider: str
    receiver: str
    county_code: str | None
    document_type: str
    document_id: str
    entry_date: date | None = None
    reverses: LedgerEntry | None = None


class Ledger:
    def __init__(self, session: AsyncSession, keys: LedgerKeys | None = None) -> None:
        self.repository = LedgerRepository(session)
        self.keys = keys or ledger_keys()

    async def record(self, caller: Principal, *, agreement_id: str, entry_type: EntryType, amount_ore: int,
                     provider: str, receiver: str, county_code: str | None, document_type: str, document_id: str,
                     entry_date: date | None = None, reverses: LedgerEntry | None = None) -> None:
        await self.record_all(caller, agreement_id, [NewEntry(
            entry_type=entry_type, amount_ore=amount_ore, provider=provider, receiver=receiver,
            county_code=county_code, document_type=document_type, document_id=document_id, entry_date=entry_date,
            reverses=reverses)])

    async def record_all(self, caller: Principal, agreement_id: str, new: Sequence[NewEntry]) -> None:
        """Appends the entries to the agreement's chain in the order given, with a fixed number of statements
        however many there are (an allocation over all 290 municipalities is 290 entries). Each carries a MAC
        under the current ledger key over the column values it is stored with, the previous entry's MAC among
        them, made without reading anything back. The new head goes out with the answer as a receipt."""
        last = await self.repository.last_of(agreement_id)
        position, previous = last if last else (0, GENESIS)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        recorded_at, today, key_id = utcnow(), date.today(), self.keys.current
        stamp = instant(recorded_at)
        rows = []
        for item in new:
            position += 1
            row = {"agreement_id": agreement_id, "position": position, "entry_type": item.entry_type.value,
                   "reverses": item.reverses.position if item.reverses else None,
                   "reversed_type": item.reverses.entry_type if item.reverses else None,
                   "entry_date": item.entry_date or today, "amount_ore": item.amount_ore, "provider": item.provider,
                   "receiver": item.receiver, "county_code": item.county_code, "document_type": item.document_type,
                   "document_id": item.document_id, "actor": caller.subject, "request_id": request_id,
                   "previous_hash": previous, "recorded_at": recorded_at, "key_id": key_id}
            row["entry_hash"] = previous = entry_mac(self.keys, row, stamp)
            rows.append(row)
        if rows:
            await self._within_totals(rows)
            await self.repository.append(rows)
            await self.repository.add_to_totals(agreement_id, last[0] if last else 0)
            receipts.appended(agreement_id, position, previous)

    async def _within_totals(self, rows: list[dict]) -> None:
        """422 unless the running totals (64-bit integers of öre in the database) can hold the new entries: each
        amount is bounded (shared.money.MAX_ORE), but enough of them add up past any column."""
        moved = sum(abs(row["amount_ore"]) for row in rows)
        if moved + await self.repository.largest_total() > MAX_TOTAL_ORE:
            raise InvalidInput.field("body", "totals_bound", f"The ledger's totals hold at most "
                                     f"{format_ore(MAX_TOTAL_ORE)} kronor; these amounts would take one past "
                                     "it. Nothing was stored.")

    async def reverse(self, caller: Principal, agreement_id: str, *, document_type: str, document_id: str,
                      entry_type: EntryType, entry_date: date | None = None) -> bool:
        """Cancels the document's entry of `entry_type` with a reversing entry of the same amount, dated
        `entry_date` (the day the cancellation took effect; default today); False when there is none."""
        original = next((e for e in reversed(await self.repository.chain(agreement_id))
                         if e.document_type == document_type and e.document_id == document_id
                         and e.entry_type == entry_type.value), None)
        if original is None:
            return False
        await self.record(caller, agreement_id=agreement_id, entry_type=EntryType.REVERSAL,
                          amount_ore=original.amount_ore, provider=original.provider, receiver=original.receiver,
                          county_code=original.county_code, document_type=document_type, document_id=document_id,
                          entry_date=entry_date, reverses=original)
        return True

    async def entries(self, agreement_id: str) -> list[LedgerEntry]:
        return await self.repository.chain(agreement_id)

    async def verify(self, agreement_id: str, receipt: Checkpoint | None = None) -> VerificationOut:
        """Recomputes the chain from the first entry and reports the first entry whose position, link or MAC (or
        older-format hash) does not match; checks the receipt, if one is given, against the chain; and recomputes
        the agreement's running totals from its entries. A removed tail, or a chain rebuilt by someone holding
        the key, is found only against a receipt of a longer or other head."""
        entries = await self.repository.chain(agreement_id)
        legacy_limit, legacy_head, unsigned = await self._legacy_limit(agreement_id)
        previous, keyed, legacy, first_break = GENESIS, 0, 0, None
        for expected_position, entry in enumerate(entries, start=1):
            reason = self._break_of(entry, expected_position, previous, legacy_limit, legacy_head, unsigned)
            if reason:
                first_break = ChainBreak(position=entry.position, reason=reason)
                break
            keyed, legacy = (keyed + 1, legacy) if entry.key_id is not None else (keyed, legacy + 1)
            previous = entry.entry_hash
        if first_break is None and legacy_limit > len(entries):
            first_break = ChainBreak(position=legacy_limit, reason=(
                f"the ledger is shorter than its head signed when the ledger was keyed: position {legacy_limit} of "
                f"hash {legacy_head} is missing"))
        last_hash = previous if first_break is None and entries else None
        checked = self._check_receipt(entries, receipt) if receipt is not None else None
        if first_break is None and checked is not None and not checked.holds:
            first_break = ChainBreak(position=checked.position, reason=checked.reason or "")
        differences = differences_of(await self.repository.stored_totals(agreement_id),
                                     await self.repository.recomputed_totals(agreement_id))
        intact = first_break is None and not differences
        return verification_out(agreement_id, entries=len(entries), intact=intact, first_break=first_break,
                                last_hash=last_hash, keyed_entries=keyed, legacy_entries=legacy,
                                legacy_rule=_legacy_rule(legacy) if legacy else None, receipt=checked,
                                total_differences=differences)

    async def _legacy_limit(self, agreement_id: str) -> tuple[int, str | None, str | None]:
        """(position, hash, None) of the agreement's older-format head signed when the ledger was keyed;
        (0, None, why) when there is none or its signature does not verify: then no entry of the older format
        is valid."""
        head = await self.repository.legacy_head(agreement_id)
        if head is None:
            return 0, None, None
        signature = checkpoint_signature(self.keys, head.agreement_id, head.position, head.head_hash,
                                         head.signed_at, head.key_id)
        if signature is None:
            return 0, None, f"its head signed then names ledger key {head.key_id!r}, which this service does not hold"
        if not hmac.compare_digest(signature, head.signature):
            return 0, None, "its head signed then does not match its signature: it was changed behind the service"
        return head.position, head.head_hash, None

    def _break_of(self, entry: LedgerEntry, expected_position: int, previous: str, legacy_limit: int,
                  legacy_head: str | None, unsigned: str | None) -> str | None:
        if entry.position != expected_position:
            return f"position {expected_position} is missing: an entry was removed"
        if entry.previous_hash != previous:
            return "the link to the previous entry does not match its hash"
        if entry.position == legacy_limit and entry.entry_hash != legacy_head:
            return ("the entry does not carry the hash signed for this position when the ledger was keyed: the "
                    "chain up to it was rewritten since")
        if entry.key_id is None:
            if unsigned:
                return f"an entry of the older, unkeyed format (plain sha256), and {unsigned}"
            if entry.position > legacy_limit:
                return ("an entry of the older, unkeyed format (plain sha256) where none was when the ledger was "
                        "keyed: it was written behind the service")
            if entry.entry_hash != legacy_hash(entry, previous):
                return "the entry's content does not match its hash: it was changed after it was recorded"
            return None
        mac = entry_mac(self.keys, entry)
        if mac is None:
            return (f"the entry names ledger key {entry.key_id!r}, which this service does not hold: it was written "
                    "behind the service, or a key still needed to verify was removed from the settings")
        if not hmac.compare_digest(mac, entry.entry_hash):
            return ("the entry does not match its MAC: it was changed after it was recorded, or written without "
                    "the ledger key")
        return None

    @staticmethod
    def _check_receipt(entries: list[LedgerEntry], receipt: Checkpoint) -> ReceiptCheck:
        """Whether the chain still has the receipt's head: the entry at its position, with its hash."""
        check = {"position": receipt.position, "head_hash": receipt.head_hash, "signed_at": receipt.signed_at}
        if receipt.position == 0:
            return ReceiptCheck(**check, holds=True)
        at = next((e for e in entries if e.position == receipt.position), None)
        if at is None:
            length = max((e.position for e in entries), default=0)
            where = ("the ledger is shorter than a receipt you hold" if length < receipt.position
                     else "the ledger lacks an entry of a receipt you hold")
            return ReceiptCheck(**check, holds=False, reason=f"{where}: position {receipt.position} of hash "
                                f"{receipt.head_hash} is missing (the chain ends at position {length})")
        if at.entry_hash != receipt.head_hash:
            return ReceiptCheck(**check, holds=False, reason=(
                f"position {receipt.position} has hash {at.entry_hash}, not the {receipt.head_hash} of a receipt "
                f"you hold: the chain up to it was rewritten after {instant(receipt.signed_at)}"))
        return ReceiptCheck(**check, holds=True)

    def read_receipt(self, agreement_id: str, receipt: Checkpoint) -> Checkpoint:
        """The receipt, if this service signed it for this agreement; 422 otherwise."""
        if receipt.agreement_id != agreement_id:
            raise InvalidInput.field("query.receipt", "receipt_agreement",
                                     f"The receipt is of agreement {receipt.agreement_id}, not {agreement_id}.")
        signature = checkpoint_signature(self.keys, receipt.agreement_id, receipt.position, receipt.head_hash,
                                         receipt.signed_at, receipt.key_id)
        if signature is None:
            raise InvalidInput.field("query.receipt", "receipt_key",
                                     f"The receipt is signed with ledger key {receipt.key_id!r}, which this service "
                                     "does not hold.")
        if not hmac.compare_digest(signature, receipt.signature):
            raise InvalidInput.field("query.receipt", "receipt_signature",
                                     "The receipt's signature does not match its content: it was not handed out "
                                     "by this ledger as it is.")
        return receipt

    async def checkpoint(self, agreement_id: str) -> CheckpointOut:
        """The agreement's head now, signed with the current ledger key."""
        position, head = await self.repository.head(agreement_id) or (0, GENESIS)
        signed = sign_checkpoint(self.keys, agreement_id, position, head, utcnow())
        return checkpoint_out(signed, receipt_token(signed))

    async def verify_totals(self) -> TotalsVerificationOut:
        """Every running total (the national overview's read path) against the sum of its entries."""
        stored = await self.repository.stored_totals(None)
        differences = differences_of(stored, await self.repository.recomputed_totals(None))
        return totals_verification_out(len(stored), differences)

    async def balances(self, agreement_id: str, as_of: date, by: str | None) -> BalancesOut:
        total, groups = fold(await self.repository.sums(agreement_id, as_of, by), grouped=by is not None)
        return balances_out(agreement_id, as_of, by, total, groups)

    async def overview(self, as_of: date, by: str, county: str | None, year: int | None = None) -> OverviewOut:
        total, groups = fold(await self.repository.overview(as_of, by, county, year), grouped=True)
        return overview_out(as_of, by, county, total, groups, year)


class LedgerService:
    """The ledger of an agreement as the API reads it: its entries, their verification, a checkpoint and its
    balances (404 for an unknown agreement), and the national totals and overview. Every authenticated caller
    reads."""

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.agreements = AgreementRepository(session)
        self.ledger = Ledger(session)

    async def _of(self, agreement_id: str) -> Ledger:
        if await self.agreements.get(agreement_id) is None:
            raise NotFound(f"No agreement {agreement_id}.")
        return self.ledger

    async def entries(self, agreement_id: str) -> LedgerOut:
        return ledger_out(agreement_id, await (await self._of(agreement_id)).entries(agreement_id))

    async def verify(self, agreement_id: str, receipt_token: str | None) -> VerificationOut:
        """`receipt_token`: a receipt held outside the database (a Ledger-Receipt header or a checkpoint's)."""
        ledger = await self._of(agreement_id)
        held = ledger.read_receipt(agreement_id, _receipt(receipt_token)) if receipt_token is not None else None
        return await ledger.verify(agreement_id, held)

    async def checkpoint(self, agreement_id: str) -> CheckpointOut:
        return await (await self._of(agreement_id)).checkpoint(agreement_id)

    async def verify_totals(self) -> TotalsVerificationOut:
        return await self.ledger.verify_totals()

    async def balances(self, agreement_id: str, as_of: date, by: str | None) -> BalancesOut:
        return await (await self._of(agreement_id)).balances(agreement_id, as_of, by)

    async def overview(self, as_of: date, by: str, county: str | None, year: int | None = None) -> OverviewOut:
        return await self.ledger.overview(as_of, by, county, year)


def _receipt(token: str) -> Checkpoint:
    try:
        return Checkpoint.model_validate(read_receipt_token(token))
    except (ValueError, ValidationError) as exc:
        raise InvalidInput.field("query.receipt", "receipt_format",
                                 "Not a receipt of this ledger: the token of a Ledger-Receipt header or of a "
                                 "checkpoint's `receipt` expected.") from exc


def differences_of(stored: dict[tuple[str, str, str, str], tuple[int, int]],
                   recomputed: dict[tuple[str, str, str, str], tuple[int, int]]) -> list[TotalDifference]:
    """The running totals that differ from the sums of their entries (total or number of entries), in key
    order; a row on one side only is a difference too, unless it sums no entry."""
    differences = []
    for key in sorted(stored.keys() | recomputed.keys()):
        kept, summed = stored.get(key, (0, 0)), recomputed.get(key, (0, 0))
        if kept != summed:
            grouping, group, county_code, kind = key
            differences.append(TotalDifference(
                grouping=grouping, group=group, county_code=county_code, kind=kind,
                stored=kept[0] if key in stored else None, recomputed=summed[0] if key in recomputed else None,
                stored_entries=kept[1] if key in stored else None,
                recomputed_entries=summed[1] if key in recomputed else None))
    return differences


def _legacy_rule(legacy: int) -> str:
    span = "Entry 1 was" if legacy == 1 else f"Entries 1-{legacy} were"
    return (f"{span} recorded before the ledger was keyed and verified by the older rule: sha256 without a key. "
            f"Their head (position {legacy}) was signed with the ledger key when the ledger was keyed, so they "
            "cannot be changed, removed or added to behind the service since then; what they held before then is "
            "as sure as that older rule made it (anyone able to write to the database could recompute it).")


def fold(rows: Iterable[tuple[str | None, str, int]], *, grouped: bool) -> tuple[Balance, list[GroupBalance]]:
    """(group, entry type, net amount) rows as a total and one balance per group, groups in order; summed as
    plain numbers, each balance made once."""
    total: dict[str, int] = {}
    groups: dict[str | None, dict[str, int]] = {}
    for group, kind, amount in rows:
        name = _BALANCE_OF_KIND.get(kind)
        if name is None:
            continue
        total[name] = total.get(name, 0) + amount
        if grouped:
            row = groups.setdefault(group, {})
            row[name] = row.get(name, 0) + amount
    return Balance(**total), [GroupBalance(group=group, **sums) for group, sums in
                              sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or ""))]
