"""A field a request body does not know is refused, not ignored: `"submitted": true`, a typo for `submit`, would
otherwise store a draft and answer 201. The rule is the one unknown query parameters already follow
(shared/query_parameters.py), and the answer is the same 422 naming the field (`body.submitted`, rule
`extra_forbidden`).

Every model a request body is read into, and every model nested in one, is an `InputModel`; the OpenAPI document
then says `additionalProperties: false` for it, so generated clients know it too. `body_models(app)` lists them,
and tests/test_architecture.py holds every service to it, so an operation added later is covered.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """What a caller sends: every field declared, any other refused."""

    model_config = ConfigDict(extra="forbid")


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation names, through Optional, unions, lists, dicts and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models_in(typing.get_args(annotation)[0])
        return
    if origin is not None or isinstance(annotation, types.UnionType):
        for argument in typing.get_args(annotation):
            yield from _models_in(argument)


def body_models(app: FastAPI) -> list[type[BaseModel]]:
    """Every model a request body of `app` is read into, and every model nested in one."""
    routes = [context.original_route for context in iter_route_contexts(app.routes)]
    pending = [model for route in routes if isinstance(route, APIRoute) and route.body_field is not None
               for field in (route.dependant.body_params or []) for model in _models_in(field.field_info.annotation)]
    found: list[type[BaseModel]] = []
    while pending:
        model = pending.pop()
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return found
