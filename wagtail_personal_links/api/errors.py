"""Refusals of the personal links API, as API v3's ``application/problem+json`` bodies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from wagtail.api.v3.errors import ProblemDetail, problem_response

from ..generation import GenerationError

__all__ = [
    "ERROR_RESPONSES",
    "NOT_READY_RESPONSES",
    "PROBLEM_CONTENT",
    "Problem",
    "problem_content",
    "register_exception_handlers",
]

#: Where each refusal of the generation service points in a request.
FIELD_FOR_CODE = {
    "not_live": ("path", "surveyId"),
    "not_survey": ("path", "surveyId"),
    "empty": ("body", "segmentId"),
    "sample_size": ("body", "sampleSize"),
    "unknown_contacts": ("body", "contactIds"),
    "expiry_past": ("body", "expiresOn"),
    "expiry_late": ("body", "expiresOn"),
    "expiry_range": ("query", "expirationDays"),
}

#: The error statuses every operation of the router declares.
ERROR_RESPONSES: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422), ProblemDetail)
#: The same, for operations on a batch's links, which refuse a batch still being made.
NOT_READY_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ProblemDetail}


def problem_content(responses: dict[int, Any]) -> dict[str, Any]:
    """Return ``openapi_extra`` saying that the error bodies are ``application/problem+json``."""
    problem = {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}
    return {
        "responses": {
            str(status): {"content": {"application/problem+json": problem}}
            for status in responses
            if status >= 400
        }
    }


PROBLEM_CONTENT = problem_content(ERROR_RESPONSES)


class Problem(Exception):
    """A request the API refuses, with the status and the field to blame."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        loc: tuple[str, ...] = (),
        code: str = "invalid",
        errors: list[str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.loc = loc
        self.code = code
        self.messages = errors or [detail]

    @classmethod
    def from_generation_error(cls, error: GenerationError) -> Problem:
        """Turn a refusal of the generation service into a 400 naming its field."""
        return cls(400, error.message, loc=FIELD_FOR_CODE.get(error.code, ()), code=error.code)

    def response(self) -> HttpResponse:
        """Return the problem as an ``application/problem+json`` response."""
        where = {"loc": list(self.loc), "field": self.loc[-1]} if self.loc else {}
        errors = [{"type": self.code, "msg": message, **where} for message in self.messages]
        return problem_response(status=self.status, detail=self.detail, errors=errors)


def register_exception_handlers(api: NinjaAPI) -> None:
    """Answer :class:`Problem` and :class:`GenerationError` with problem details."""

    @api.exception_handler(Problem)
    def problem_handler(request: HttpRequest, exc: Problem) -> HttpResponse:
        return exc.response()

    @api.exception_handler(GenerationError)
    def generation_error_handler(request: HttpRequest, exc: GenerationError) -> HttpResponse:
        return Problem.from_generation_error(exc).response()
