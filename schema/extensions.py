"""Errors reach callers with a code, and internal ones are masked and logged."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from franchise.errors import DomainError
from policies.errors import AccessError

log = logging.getLogger("loyalty.graphql")


class ErrorCodes(SchemaExtension):
    """Access errors become FORBIDDEN / UNAUTHENTICATED, input errors keep their code, GraphQL
    validation errors say so, and anything else is logged with the request id and masked."""

    def on_operation(self):
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [self._classify(error) for error in result.errors]

    def on_stream_result(self, result):
        # Subscriptions (and operations over WebSocket) send each result before on_operation ends.
        if getattr(result, "errors", None):
            result.errors = [self._classify(error) for error in result.errors]
        yield

    def _classify(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:
            code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
            return self._with(error, error.message, {"code": code})
        if isinstance(original, AccessError):
            return self._with(error, str(original), {"code": original.code})
        if isinstance(original, DomainError):
            return self._with(
                error, original.message, {"code": original.code.value, "field": original.field}
            )
        if isinstance(original, GraphQLError):  # e.g. a variable of the wrong type
            return self._with(error, error.message, {"code": "BAD_USER_INPUT"})
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        log.error(
            "internal error in %s (request %s)", self.execution_context.operation_name,
            request_id, exc_info=original,
        )
        return self._with(
            error, "Internal server error.", {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        )

    @staticmethod
    def _with(error: GraphQLError, message: str, extensions: dict) -> GraphQLError:
        return GraphQLError(
            message, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, original_error=None, extensions=extensions,
        )
