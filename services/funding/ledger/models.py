from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.funding.database import Base
from shared.records import utcnow


class EntryType(StrEnum):
    COMMITMENT = "commitment"  # the state commits a funding line's total
    ALLOCATION = "allocation"  # a share allocated to a recipient
    REQUISITION = "requisition"  # the receiver asks for money (submitted)
    DISBURSEMENT = "disbursement"  # paid out
    DISTRIBUTION = "distribution"  # a receiver passes part of what it received on, within its county
    EXPENDITURE = "expenditure"  # reported spent
    REPAYMENT_CLAIM = "repayment_claim"  # unspent money to be repaid
    REPAYMENT = "repayment"  # repaid
    REVERSAL = "reversal"  # cancels an earlier entry (`reverses`); nothing is ever changed or deleted


class LedgerEntry(Base):
    """One money event. Insert-only (database triggers refuse UPDATE, DELETE and TRUNCATE); chained per agreement
    by a MAC under the ledger key named in `key_id` (services/funding/ledger/chain.py); an entry recorded before
    the ledger was keyed has no key id and a plain sha256 hash."""

    __tablename__ = "ledger_entries"
    __table_args__ = (UniqueConstraint("agreement_id", "position", name="uq_ledger_entries_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(String(100), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the agreement's chain
    entry_type: Mapped[str] = mapped_column(String(20))
    reverses: Mapped[int | None] = mapped_column(Integer)  # position of the reversed entry
    reversed_type: Mapped[str | None] = mapped_column(String(20))
    entry_date: Mapped[date] = mapped_column(Date, index=True)  # the overview subtracts what is dated after as_of
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    provider: Mapped[str] = mapped_column(String(100))
    receiver: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str | None] = mapped_column(String(2))
    document_type: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(40))  # the ledger key of the MAC; None: the older format


class LedgerTotal(Base):
    """Running sums of the ledger for the national overview: one row per grouping ("county" or "agreement"),
    group, county ("" for none) and balance kind, moved in the transaction of every entry. The overview reads
    these few hundred rows instead of summing every entry (docs/benchmarks.md)."""

    __tablename__ = "ledger_totals"

    grouping: Mapped[str] = mapped_column(String(10), primary_key=True)
    grp: Mapped[str] = mapped_column(String(100), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[int] = mapped_column(Integer)  # how many entries the total sums


class LedgerLegacyHead(Base):
    """The last entry of an agreement's older-format chain (plain sha256, no key id) when the ledger was keyed,
    signed then with the ledger key as a checkpoint is (migration 0008): the older format verifies up to this
    head and nowhere else, so entries cannot be turned into, or added in, the older format behind the service."""

    __tablename__ = "ledger_legacy_heads"

    agreement_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(64))
