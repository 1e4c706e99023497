"""All-or-nothing imports with a complete, row-by-row error report.

Every row is held to the single-record service's rules (same validation, same authorisation). A row that fails
is reported and the next rows are still tried, so one answer lists every problem in the file; when any row
failed, the import raises and the request's transaction rolls back: nothing from the file is kept.
Rows see the rows before them, so a later row may refer to an id an earlier one made.

Organisations and people are checked and written as sets (bulk/sets.py: the service's rule functions over facts
looked up for the whole file in a few queries while its rows are validated; then batch by batch, each batch
written with one COPY per table on PostgreSQL, audit events included, while the next is checked; fresh planner
statistics after a large file); the other tables store each row through the single-record service, whose rules
read the register as it grows row by row (overlaps, one holder per post, cycles).

An import runs inside one request and one transaction; when the caller goes away (the gateway's time limit for
the registry has passed, or the client gave up) the import stops and rolls back rather than being stored
unseen: the caller never learned whether it succeeded.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.actors.bulk.csv_format import CsvRow, parse_csv
from services.actors.bulk.repository import ImportRepository, refresh_statistics_later
from services.actors.bulk.schemas import ImportResult
from services.actors.bulk.tables import ImportTable, Services
from shared.identity import Principal
from shared.known_records import note_absent
from shared.locks import hold_family
from shared.logging import get_logger
from shared.problems import FieldError, InvalidInput, ProblemError

MAX_REPORTED_ERRORS = 1000
CHUNK = 500  # keys per IN (...) when preloading
CHECK_CALLER_EVERY = 50  # rows
LOG_PROGRESS_EVERY = 1000  # rows: a long import shows in the service log, with its request id, as it goes
# New records from which an import has its tables' planner statistics refreshed: once the answer has left, or,
# from ANALYZE_WAITED_FROM on, before the commit (a few percent of so large an import's time).
ANALYZE_AFTER = 1000
ANALYZE_WAITED_FROM = 10_000
WRITE_BATCH = 250  # rows checked, then handed to the writer while the next ones are checked (bulk/repository.py)
YIELD_EVERY = 5  # rows checked between turns of the event loop, in which the writer sends its next statement
LOOKUP_TURN_EVERY = 100  # rows validated between turns of the event loop, in which the lookups run
log = get_logger("imports")
RULE_BY_STATUS = {403: "forbidden", 404: "not_found", 409: "conflict", 412: "precondition_failed"}


class ImportAbandoned(ProblemError):
    """The caller disconnected mid-import; nobody reads this answer (499 as nginx logs it), the rollback matters."""

    status = 499
    slug = "import-abandoned"
    title = "Client closed request"


_imports_running = 0
_collector_was_enabled = False


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while imports run: a file of 10,000 rows makes some 200,000 objects, freed
    by reference counting as they go, and the collector's full passes over a heap growing that fast cost a third
    of the import's CPU (measured: 1.6 s against 1.0 s for 10,000 organisations). Enabled again, as it was,
    when the last running import ends, successful or not."""
    global _imports_running, _collector_was_enabled
    if _imports_running == 0:
        _collector_was_enabled = gc.isenabled()
        gc.disable()
    _imports_running += 1
    try:
        yield
    finally:
        _imports_running -= 1
        if _imports_running == 0 and _collector_was_enabled:
            gc.enable()


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


class ImportService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.services = Services(session, caller)
        self.repository = ImportRepository(session)
        self._held: list[Any] = []  # the session's identity map only keeps records someone references
        # (tables, rows created) when a small import grew its tables enough for fresh planner statistics, which
        # the route has made once the import has committed (refresh_statistics_later)
        self.grown: tuple[list[type], int] | None = None

    async def refresh_statistics_later(self, engine: AsyncEngine) -> None:
        """Fresh planner statistics for the tables a committed import grew (`grown`), on a connection of their own:
        the route runs it once the answer has left. Nothing to do when the import grew none enough."""
        if self.grown is not None:
            await refresh_statistics_later(engine, *self.grown)

    async def run(self, table: ImportTable, raw: bytes,
                  caller_gone: Callable[[], Awaitable[bool]] | None = None) -> ImportResult:
        with _no_cycle_collection():
            return await self._run(table, raw, caller_gone)

    async def _run(self, table: ImportTable, raw: bytes,
                   caller_gone: Callable[[], Awaitable[bool]] | None) -> ImportResult:
        started = time.monotonic()
        rows = parse_csv(raw, columns=table.columns, required=table.required, ignored=table.export_only)
        log.info("import_started", table=table.name, rows=len(rows))
        # Every writer of this table waits until the import has ended (an import's name is its table's), so
        # what the preload finds absent stays absent, with one lock for the file rather than one per row.
        await hold_family(self.session, table.name)
        if table.record_set is not None:
            return await self._run_in_sets(table, rows, caller_gone, started)
        await self._preload(table, rows)
        errors: list[FieldError] = []
        failed: list[int] = []
        ids: list[str] = []
        created = 0
        first_row_of: dict[str, int] = {}
        for index, row in enumerate(rows, start=1):
            if caller_gone is not None and index % CHECK_CALLER_EVERY == 0 and await caller_gone():
                raise ImportAbandoned(f"The caller went away after {index} of {_rows(len(rows))}; "
                                      "nothing was imported.")
            if index % LOG_PROGRESS_EVERY == 0:
                log.info("import_progress", table=table.name, row=index, rows=len(rows),
                         elapsed_s=round(time.monotonic() - started, 1))
            row_errors, out, was_created = await self._import_row(table, row, first_row_of)
            if row_errors:
                failed.append(row.number)
                errors.extend(row_errors)
            else:
                ids.append(out.id)
                created += was_created
        if failed:
            self._refuse(rows, failed, errors)
        return self._result(table, rows, created, ids, started)

    async def _run_in_sets(self, table: ImportTable, rows: list[CsvRow],
                           caller_gone: Callable[[], Awaitable[bool]] | None, started: float) -> ImportResult:
        """The facts the rules need are looked up for the whole file (from the rows as they will be validated)
        while the rows are validated; then each batch of valid rows is checked and its records handed to the
        writer, which stores them while the next batch is checked."""
        assert table.record_set is not None
        record_set = table.record_set(self.session, self.caller)
        inputs = [table.to_input(row.cells) for row in rows]
        await self._still_wanted(caller_gone, "checking", rows)
        loading = asyncio.create_task(record_set.load(inputs))
        try:
            errors_of, valid = await self._validated(table, rows, inputs)
        finally:
            await loading  # also when validation failed: the session is free again only after the lookups
        await self._still_wanted(caller_gone, "storing", rows)
        created = 0
        writer = self.repository.writer()
        try:
            for start in range(0, len(valid), WRITE_BATCH):
                if start and start % LOG_PROGRESS_EVERY == 0:
                    await self._still_wanted(caller_gone, "storing", rows)
                    log.info("import_progress", table=table.name, row=start, rows=len(rows),
                             elapsed_s=round(time.monotonic() - started, 1))
                for index, (row, data) in enumerate(valid[start:start + WRITE_BATCH], start=1):
                    try:
                        created += record_set.check(data)
                    except ProblemError as exc:
                        errors_of[row.number] = self._problem_errors(table, f"row {row.number}", exc)
                    if index % YIELD_EVERY == 0:
                        await asyncio.sleep(0)  # the writer starts its next statement
                if not errors_of:  # after the first error nothing more is stored; the rest is checked for the report
                    writer.send(record_set.take_rows())
        finally:
            await writer.close()
        if errors_of:
            failed = sorted(errors_of)
            self._refuse(rows, failed, [error for number in failed for error in errors_of[number]])
        if created >= ANALYZE_WAITED_FROM:  # a small part of so large an import's time: stats before the commit
            await self.repository.refresh_statistics(record_set.models, created)
        elif created >= ANALYZE_AFTER:
            self.grown = (record_set.models, created)
        return self._result(table, rows, created, [data.id for _row, data in valid], started)

    async def _validated(self, table: ImportTable, rows: list[CsvRow], inputs: list[dict[str, Any]],
                         ) -> tuple[dict[int, list[FieldError]], list[tuple[CsvRow, Any]]]:
        """Each row's file errors and validation errors by row number, and the rows that have none with their
        input models; the event loop gets a turn now and then, in which the lookups run."""
        errors_of: dict[int, list[FieldError]] = {}
        valid: list[tuple[CsvRow, Any]] = []
        first_row_of: dict[str, int] = {}
        for index, (row, raw) in enumerate(zip(rows, inputs, strict=True), start=1):
            row_errors, data = self._valid_input(table, row, raw, first_row_of)
            if row_errors:
                errors_of[row.number] = row_errors
            else:
                valid.append((row, data))
            if index % LOOKUP_TURN_EVERY == 0:
                await asyncio.sleep(0)
        return errors_of, valid

    @staticmethod
    async def _still_wanted(caller_gone: Callable[[], Awaitable[bool]] | None, step: str,
                            rows: list[CsvRow]) -> None:
        if caller_gone is not None and await caller_gone():
            raise ImportAbandoned(f"The caller went away while the import was {step} {_rows(len(rows))}; "
                                  "nothing was imported.")

    @staticmethod
    def _refuse(rows: list[CsvRow], failed: list[int], errors: list[FieldError]) -> None:
        verb = "has" if len(failed) == 1 else "have"
        detail = f"{len(failed)} of {_rows(len(rows))} {verb} errors; nothing was imported."
        if len(errors) > MAX_REPORTED_ERRORS:
            detail += f" The first {MAX_REPORTED_ERRORS} of {len(errors)} errors are listed."
        raise InvalidInput(detail, errors=errors[:MAX_REPORTED_ERRORS], rows=len(rows),
                           rows_with_errors=failed[:MAX_REPORTED_ERRORS])

    @staticmethod
    def _result(table: ImportTable, rows: list[CsvRow], created: int, ids: list[str],
                started: float) -> ImportResult:
        elapsed = time.monotonic() - started
        log.info("import_checked", table=table.name, rows=len(rows), created=created, elapsed_s=round(elapsed, 1),
                 rows_per_s=round(len(rows) / elapsed) if elapsed > 0 else None)
        return ImportResult(imported=len(rows), created=created, unchanged=len(rows) - created, ids=ids)

    async def _preload(self, table: ImportTable, rows: list[CsvRow]) -> None:
        """Loads, a few hundred per query, the records the service will look up by key row by row, and notes
        the keys that do not exist."""
        for model, column in table.preload:
            if column is None:
                self._held.extend(await self.repository.every(model))
                continue
            keys = sorted({value for row in rows if (value := row.cells.get(column)) is not None})
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start:start + CHUNK]
                found = await self.repository.with_keys(model, chunk)
                self._held.extend(found.values())
                # The rows' lookups of the others then need no query (shared.known_records).
                note_absent(self.session, model, set(chunk) - found.keys())

    async def _import_row(self, table: ImportTable, row: CsvRow,
                          first_row_of: dict[str, int]) -> tuple[list[FieldError], Any, bool]:
        errors, data = self._valid_input(table, row, table.to_input(row.cells), first_row_of)
        if errors:
            return errors, None, False
        try:
            out, was_created = await table.store(self.services, data)
        except ProblemError as exc:
            return self._problem_errors(table, f"row {row.number}", exc), None, False
        return [], out, was_created

    def _valid_input(self, table: ImportTable, row: CsvRow, raw: dict[str, Any],
                     first_row_of: dict[str, int]) -> tuple[list[FieldError], Any]:
        """A row's file errors and validation errors, or none and its input model (both import paths)."""
        prefix = f"row {row.number}"
        errors = self._file_errors(row, prefix, first_row_of)
        try:
            data = table.model.model_validate(raw)
        except ValidationError as exc:
            return errors + self._validation_errors(table, row, prefix, exc), None
        return errors, None if errors else data

    @staticmethod
    def _file_errors(row: CsvRow, prefix: str, first_row_of: dict[str, int]) -> list[FieldError]:
        """What only a file can get wrong: a row without an id, an id twice, a row wider than its header."""
        errors = []
        if row.extra_cells:
            errors.append(FieldError(prefix, "extra_cells",
                                     "The row has more cells than the header has columns; a value holding the "
                                     "delimiter needs quotes around it."))
        row_id = row.cells.get("id")
        if row_id is None:
            errors.append(FieldError(f"{prefix}.id", "missing", "Every imported row needs its own id, so that a "
                                                                "retried import creates nothing twice."))
        elif row_id in first_row_of:
            errors.append(FieldError(f"{prefix}.id", "duplicate_id",
                                     f"Row {first_row_of[row_id]} already has the id '{row_id}'."))
        else:
            first_row_of[row_id] = row.number
        return errors

    @staticmethod
    def _validation_errors(table: ImportTable, row: CsvRow, prefix: str,
                           exc: ValidationError) -> list[FieldError]:
        errors = []
        for error in exc.errors():
            path = ".".join(str(part) for part in error.get("loc", ()))
            column = table.column_for(path) if path else None
            rule = str(error.get("type", "invalid"))
            message = str(error.get("msg", "invalid value"))
            value = row.cells.get(column) if column else None
            if rule == "missing":
                message = "This column needs a value."
            elif value is not None and value not in message:
                message = f"{message} (the cell holds '{value}')"
            errors.append(FieldError(f"{prefix}.{column}" if column else prefix, rule, message))
        return errors

    @staticmethod
    def _problem_errors(table: ImportTable, prefix: str, exc: ProblemError) -> list[FieldError]:
        if exc.errors:
            return [FieldError(f"{prefix}.{table.column_for(e.field)}", e.rule, e.message) for e in exc.errors]
        rule = RULE_BY_STATUS.get(exc.status, exc.slug or "invalid")
        column = table.forbidden_column if exc.status == 403 else "id"
        return [FieldError(f"{prefix}.{column}", rule, exc.detail)]
