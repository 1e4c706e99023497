"""The kit every service is built with (docs/architecture.md), held by reading the code: seconds, no database.

Each rule names the file, the line and what breaks it. The few places that break a rule on purpose are listed in
EXCEPTIONS with the reason; an exception that no longer matches anything is itself a failure, so the list only
shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "main.py").exists())

# SQLAlchemy's statement builders: a module that imports one of these builds SQL.
SQL_BUILDERS = {"select", "insert", "update", "delete", "text", "union_all", "exists", "literal", "bindparam",
                "func", "case", "and_", "or_", "tuple_", "literal_column", "true", "false", "null"}
SQL_MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.sqlite",
               "sqlalchemy.future")
# Modules of shared/ that run SQL on a service's behalf (the read path, the audit trail, idempotency, locks).
DRIVER_MODULES = ("shared.driver_reads", "asyncpg", "aiosqlite")


@dataclass(frozen=True)
class Breach:
    rule: str
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.what}"


# (rule, path) -> why this module breaks the rule on purpose.
_LOADER = ("setup-time loader of the shipped reference data (python -m services.actors setup): reads and writes "
           "whole tables once per setup, outside any request, in the loader's own transaction")
EXCEPTIONS: dict[tuple[str, str], str] = {
    **{("SQL outside a repository", f"services/actors/reference_data/{name}.py"): _LOADER
       for name in ("corrections", "demo", "geography", "organisations", "population_bases")},
    ("SQL outside a repository", "services/actors/id_lists.py"):
        "builds the one bound id-list expression the repositories' statements embed (one parameter for many ids, "
        "on both databases); it runs no statement itself",
    ("SQL outside a repository", "services/actors/relations/validity.py"):
        "the one rule of a relation's validity on a date, written once in Python and once as the SQL expression "
        "the repositories embed (services/actors/tests/test_relation_validity.py holds the two to one answer); "
        "it runs no statement itself",
}


def python_files() -> Iterator[Path]:
    for top in ("services", "shared", "gateway", "deploy", "admin"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            yield path


def imported(tree: ast.AST) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import; `import a.b` gives (line, "a.b", [])."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def kind_of(path: Path) -> str:
    """router, repository, presenter, service, schemas, models, or module."""
    stem = path.stem
    return stem if stem in ("router", "repository", "presenter", "service", "schemas", "models") else "module"


def service_of(relative: Path) -> str | None:
    return relative.parts[1] if relative.parts[0] == "services" and len(relative.parts) > 2 else None


def breaches() -> list[Breach]:
    found: list[Breach] = []
    for path in python_files():
        relative = path.relative_to(ROOT)
        name = relative.as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
        kind, own = kind_of(path), service_of(relative)
        in_repository = kind == "repository" or "repository" in path.stem or path.parent.name == "repositories"
        for line, module, names in imported(tree):
            if own and module.startswith("services.") and module.split(".")[1] != own:
                found.append(Breach("a service imports another service", name, line, module))
            if relative.parts[0] in ("shared", "gateway") and module.startswith("services"):
                found.append(Breach(f"{relative.parts[0]}/ imports a service", name, line, module))
            if relative.parts[0] == "admin" and module.split(".")[0] in ("services", "gateway"):
                # The command line is a client of the running platform: it reaches it over HTTP only.
                found.append(Breach("admin/ imports a service or the gateway", name, line, module))
            if kind == "router" and (module.endswith(".repository") or module.endswith(".models")
                                     or module.split(".")[-1] in ("repository", "models")):
                found.append(Breach("a router imports a repository or models", name, line, module))
            if own and not in_repository and kind != "models":
                if module in SQL_MODULES and set(names) & SQL_BUILDERS:
                    found.append(Breach("SQL outside a repository", name, line,
                                        f"from {module} import {', '.join(sorted(set(names) & SQL_BUILDERS))}"))
                if module in DRIVER_MODULES:
                    found.append(Breach("SQL outside a repository", name, line, f"driver access ({module})"))
        for node in ast.walk(tree):
            if own and isinstance(node, ast.Attribute) and node.attr == "repository" \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(Breach("a package reaches into another's repository", name, node.lineno,
                                    ast.unparse(node)))
            if own and kind not in ("presenter", "schemas") and isinstance(node, ast.Call) \
                    and isinstance(node.func, ast.Name) and node.func.id.endswith("Out") \
                    and node.func.id[:1].isupper():
                found.append(Breach("an answer built outside a presenter", name, node.lineno, node.func.id))
    return found


def test_the_code_follows_the_kit() -> None:
    found = breaches()
    unexcused = [b for b in found if (b.rule, b.path) not in EXCEPTIONS]
    assert not unexcused, "the kit (docs/architecture.md) is broken:\n" + "\n".join(map(str, unexcused))


def test_every_exception_still_applies() -> None:
    found = {(b.rule, b.path) for b in breaches()}
    stale = [f"{path}: {rule}" for rule, path in EXCEPTIONS if (rule, path) not in found]
    assert not stale, "exceptions that no longer apply (remove them):\n" + "\n".join(stale)


def test_the_rules_see_the_services() -> None:
    assert SERVICES == ["actors", "dashboard", "funding", "reporting", "surveys"]
    assert sum(1 for _ in python_files()) > 150


def test_every_model_a_body_is_read_into_refuses_unknown_fields() -> None:
    """shared/strict_bodies.py: a body's models, nested ones too, are InputModels (422 on an unknown field)."""
    from services.actors.main import create_app as actors
    from services.funding.main import create_app as funding
    from services.reporting.main import create_app as reporting
    from services.surveys.main import create_app as surveys
    from shared.strict_bodies import InputModel, body_models

    loose = [f"{model.__module__}.{model.__name__}" for create in (actors, funding, surveys, reporting)
             for model in body_models(create()) if not issubclass(model, InputModel)]
    assert not loose, "body models that would ignore an unknown field:\n" + "\n".join(loose)
