"""Exports through the gateway, parsed as a spreadsheet would read them and compared with the API's answers: an
agreement's and a county's shares (share, allocated, requisitioned, paid, distributed, reported spent, to repay,
repaid) against the balances per recipient, and the ledger files against the ledger; CSV is Excel-ready (UTF-8
BOM, `;`, decimal comma, formula-like text guarded) and XLSX carries amounts as numbers with two decimals."""

from __future__ import annotations

import codecs
import csv
import io
from collections import defaultdict
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from tests.funding_requests import key, paid, receiver_allocation, unique
from tests.support import assert_problem

AMOUNTS = ("share", "allocated", "requisitioned", "paid", "distributed", "reported_spent", "to_repay", "repaid")
BALANCES = AMOUNTS[1:]
PROJECT = "=SUMMA(A1) Älvdalens FoU-projekt på Åsen"  # a formula-like name with Å/ä/ö


def read_csv(response: httpx.Response, amounts: tuple[str, ...]) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    for row in rows:
        for column in amounts:
            assert "." not in row[column], row  # Swedish Excel reads a decimal comma
            row[column] = row[column].replace(",", ".")
    return rows


def read_xlsx(response: httpx.Response, amounts: tuple[str, ...]) -> list[dict]:
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *body = list(sheet.iter_rows())
    columns = [c.value for c in header]
    rows = []
    for cells in body:
        row = {}
        for name, cell in zip(columns, cells, strict=True):
            if name in amounts:
                assert isinstance(cell.value, int | float) and cell.number_format == "#,##0.00", (name, cell.value)
                row[name] = f"{Decimal(str(cell.value)):.2f}"
            else:
                row[name] = "" if cell.value is None else str(cell.value)
        rows.append(row)
    return rows


def per_recipient(rows: list[dict]) -> dict[str, dict[str, str]]:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(BALANCES, Decimal(0)))
    for row in rows:
        for column in BALANCES:
            sums[row["recipient_id"]][column] += Decimal(row[column])
    return {recipient: {c: f"{v:.2f}" for c, v in values.items()} for recipient, values in sums.items()}


def a_year_of_money(gateway: httpx.Client, admin_key: dict, county_key: dict) -> tuple[dict, dict, str]:
    """Allocation to Dalarna's and Stockholm's receivers, 600,000 paid to Dalarna, 100,000 of it passed on to a
    project, 450,000 reported spent, 50,000 claimed back and 20,000 repaid."""
    agreement, allocation = receiver_allocation(gateway, admin_key)
    dalarna = allocation["receivers"]["20"]["id"]
    paid(gateway, admin_key, county_key, allocation, "600000.00")
    project = unique("asen")
    distributed = gateway.post(f"/funding/allocations/{allocation['id']}/shares/{dalarna}/distributions", json={
        "id": unique("dist"), "total": "100000.00", "key": "equal",
        "recipients": [{"id": project, "project": True, "name": PROJECT}]}, headers={**county_key, **key()})
    assert distributed.status_code == 201, distributed.text
    report = gateway.post("/funding/reports", json={
        "id": unique("report"), "allocation_id": allocation["id"], "recipient_id": dalarna, "spent": "450000.00"},
        headers={**county_key, **key()})
    claim = report.json()["repayment_claim"]
    repaid = gateway.post(f"/funding/repayment-claims/{claim['id']}/repayments",
                          json={"id": unique("rep"), "amount": "20000.00"}, headers={**admin_key, **key()})
    assert repaid.status_code == 201, repaid.text
    return agreement, allocation, project


def test_agreement_exports_show_the_numbers_of_the_balances_and_the_ledger(gateway, admin_key, county_key):
    agreement, allocation, project = a_year_of_money(gateway, admin_key, county_key)
    base = f"/funding/agreements/{agreement['id']}"
    balances = gateway.get(base + "/balances", params={"by": "recipient"}, headers=county_key).json()
    expected = {g["group"]: {c: g[c] for c in BALANCES} for g in balances["groups"]
                if any(g[c] != "0.00" for c in BALANCES)}  # not the agency: it only has the commitment
    ledger = gateway.get(base + "/ledger", headers=county_key).json()["entries"]

    for file_format, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        shares = read(gateway.get(f"{base}/exports/shares.{file_format}", headers=county_key), AMOUNTS)
        assert per_recipient(shares) == expected, file_format
        dalarna = next(r for r in shares if r["recipient_id"] == allocation["receivers"]["20"]["id"])
        assert (dalarna["share"], dalarna["paid"], dalarna["reported_spent"], dalarna["to_repay"],
                dalarna["repaid"]) == ("1000000.00", "600000.00", "450000.00", "50000.00", "20000.00")
        assert dalarna["registry_number"] == agreement["registry_number"]
        passed_on = next(r for r in shares if r["recipient_id"] == project)
        assert passed_on["parent_recipient_id"] == dalarna["recipient_id"]
        assert passed_on["share"] == passed_on["distributed"] == "100000.00"

        entries = read(gateway.get(f"{base}/exports/ledger.{file_format}", headers=county_key), ("amount",))
        assert [(int(r["position"]), r["entry_type"], r["amount"], r["receiver"], r["entry_hash"]) for r in entries] \
            == [(e["position"], e["entry_type"], e["amount"], e["receiver"], e["entry_hash"]) for e in ledger]
        assert {r["agreement_id"] for r in entries} == {agreement["id"]}

    raw = gateway.get(f"{base}/exports/shares.csv", headers=county_key).content.decode("utf-8-sig")
    assert f";'{PROJECT};" in raw  # the formula-like name is text in Excel
    assert f"\r\n{agreement['id']};" in raw and ";1000000,00;" in raw
    workbook = load_workbook(io.BytesIO(gateway.get(f"{base}/exports/shares.xlsx", headers=county_key).content))
    names = [c for row in workbook.worksheets[0].iter_rows() for c in row if c.value == PROJECT]
    assert names and all(c.data_type == "s" for c in names)  # stored as text, exactly as registered
    comma = gateway.get(f"{base}/exports/shares.csv", params={"delimiter": "comma"}, headers=county_key)
    assert ",1000000.00," in comma.content.decode("utf-8-sig")
    before = gateway.get(f"{base}/exports/shares.csv", params={"as_of": "2020-01-01"}, headers=county_key)
    assert {r["allocated"] for r in read_csv(before, AMOUNTS)} == {"0.00"}


def test_county_exports_and_the_national_overview_agree(gateway, admin_key, county_key):
    agreement, allocation, project = a_year_of_money(gateway, admin_key, county_key)
    overview = gateway.get("/funding/balances", params={"county": "20", "by": "agreement"}, headers=county_key)
    assert overview.status_code == 200, overview.text
    mine = next(g for g in overview.json()["groups"] if g["group"] == agreement["id"])
    ledger = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=county_key).json()["entries"]
    for file_format, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        shares = read(gateway.get(f"/funding/counties/20/exports/shares.{file_format}", headers=county_key), AMOUNTS)
        of_agreement = [r for r in shares if r["agreement_id"] == agreement["id"]]
        assert {r["county_code"] for r in shares} == {"20"}
        assert {r["recipient_id"] for r in of_agreement} == {allocation["receivers"]["20"]["id"], project}
        totals = per_recipient([{**r, "recipient_id": "all"} for r in of_agreement])["all"]
        assert totals == {c: mine[c] for c in BALANCES}
        entries = read(gateway.get(f"/funding/counties/20/exports/ledger.{file_format}", headers=county_key),
                       ("amount",))
        assert [(int(r["position"]), r["amount"]) for r in entries if r["agreement_id"] == agreement["id"]] == [
            (e["position"], e["amount"]) for e in ledger if e["county_code"] == "20"]
    national = gateway.get("/funding/balances", headers=county_key).json()
    assert national["by"] == "county" and {"01", "20"} <= {g["group"] for g in national["groups"]}

    overview_amounts = ("committed", *BALANCES)
    for file_format, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        exported = read(gateway.get(f"/funding/balances.{file_format}", params={"as_of": national["as_of"]},
                                    headers=county_key), overview_amounts)
        by_group = {(r["by"], r["group"]): r for r in exported}
        assert by_group["county", "20"]["county_name"] == "Dalarnas län"
        assert by_group["county", "01"]["county_name"] == "Stockholms län"
        assert {g: {c: r[c] for c in overview_amounts} for g, r in by_group.items()} == {
            **{("county", g["group"] or ""): {c: g[c] for c in overview_amounts} for g in national["groups"]},
            ("total", ""): {c: national["total"][c] for c in overview_amounts}}
    comma = gateway.get("/funding/balances.csv", params={"by": "agreement", "county": "20", "delimiter": "comma"},
                        headers=county_key)
    assert comma.status_code == 200 and f",{mine['paid']}," in comma.content.decode("utf-8-sig")


def test_exports_of_what_does_not_exist_or_cannot_be(gateway, county_key):
    assert_problem(gateway.get("/funding/agreements/no-such-agreement/exports/shares.csv", headers=county_key), 404)
    # Each format is an operation of its own (.csv, .xlsx): another is no resource at all.
    assert_problem(gateway.get("/funding/counties/20/exports/shares.pdf", headers=county_key), 404)
    assert_problem(gateway.get("/funding/counties/2/exports/ledger.csv", headers=county_key), 422,
                   field="path.county_code")
    assert_problem(gateway.get("/funding/balances", params={"by": "region"}, headers=county_key), 422,
                   field="query.by")
    assert gateway.get("/funding/counties/20/exports/ledger.csv").status_code == 401
