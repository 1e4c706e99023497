"""The registry's packages keep the layers of docs/architecture.md: SQL only in repository modules, routers that
reach the database through a service only, and every repository on shared.repository.Repository. Read from the
source and the imported modules; no database."""

from __future__ import annotations

import ast
import importlib
import inspect

from services.actors import SERVICE_DIR
from shared.repository import Repository

PACKAGE = "services.actors"
# SQL helpers repositories build with (an id list as one bound value; the change counter's session event runs
# the statement changes/repository.py builds), and the reference-data loaders run by `setup`, not by requests.
SQL_OUTSIDE_REPOSITORIES = {"id_lists.py", "reference_data/corrections.py", "reference_data/demo.py",
                            "reference_data/geography.py", "reference_data/organisations.py",
                            "reference_data/population_bases.py"}
SQL_BUILDERS = {"select", "insert", "update", "delete", "text", "union", "union_all"}


def _modules() -> dict[str, ast.Module]:
    return {path.relative_to(SERVICE_DIR).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(SERVICE_DIR.rglob("*.py"))
            if not {"tests", "migrations"} & set(path.relative_to(SERVICE_DIR).parts)}


def _imports(tree: ast.Module) -> set[str]:
    """Every module a file imports, and every name it imports from sqlalchemy as `sqlalchemy.<name>`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _is_repository(name: str) -> bool:
    return name.endswith("repository.py")


def test_routers_reach_the_database_through_services_only() -> None:
    for name, tree in _modules().items():
        if not name.endswith("router.py"):
            continue
        wrong = {m for m in _imports(tree) if m.endswith((".repository", ".models")) or m.startswith(
            ("sqlalchemy", "shared.driver_reads", "shared.repository"))}
        assert not wrong, (name, sorted(wrong))


def test_sql_is_built_in_repository_modules_only() -> None:
    for name, tree in _modules().items():
        if _is_repository(name) or name in SQL_OUTSIDE_REPOSITORIES:
            continue
        builders = {m for m in _imports(tree) if m.startswith("sqlalchemy.")
                    and m.rsplit(".", 1)[1] in SQL_BUILDERS}
        assert not builders, (name, sorted(builders))
        calls = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute) and node.func.attr in {"execute", "scalars", "scalar"}]
        assert not calls, (name, "runs a statement on line(s)", calls)
        drivers = {m for m in _imports(tree) if m in {"shared.driver_reads.DriverRead",
                                                      "shared.driver_reads.session_driver",
                                                      "shared.driver_reads.driver_connection"}}
        assert not drivers, (name, sorted(drivers))


def test_every_repository_class_stands_on_the_shared_repository() -> None:
    classes = 0
    for name in _modules():
        if not _is_repository(name):
            continue
        module = importlib.import_module(f"{PACKAGE}.{name.removesuffix('.py').replace('/', '.')}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and cls.__name__.endswith("Repository"):
                assert issubclass(cls, Repository), cls
                classes += 1
    assert classes >= 10, "every package's repository was looked at"
