"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) on Strawberry's ASGI view.

What Strawberry already does: GET (queries) and POST (everything) with JSON bodies, 400 for an
unreadable body or a missing query, batching refused unless the schema enables it (ours does
not). What this adds: `application/graphql-response+json` when the client accepts it, with 400
for request errors (parse, validation, variable coercion: no `data` entry) and 200 otherwise
(application/json: always 200, and `"data": null` for request errors, as before);
405 (with `Allow: POST`) for a mutation over GET; utf-8 stated in the content type; and
persisted queries (server/persisted.py) resolved before execution."""

from __future__ import annotations

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.schema.exceptions import InvalidOperationTypeError

from server.persisted import PersistedQueries, PersistedQueryError

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def response_media_type(accept: str | None) -> str:
    """application/graphql-response+json when the Accept header prefers it (or ranks it as high
    as JSON), application/json otherwise, as the spec asks of servers during the transition."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    ours = weights.get(GRAPHQL_RESPONSE_JSON, 0.0)
    theirs = max(weights.get(JSON, 0.0), weights.get("application/*", 0.0), weights.get("*/*", 0.0))
    return GRAPHQL_RESPONSE_JSON if ours > 0 and ours >= theirs else JSON


def _is_request_error(result) -> bool:
    # Errors raised before execution (parse, validation, variable coercion) carry no path, and
    # then there is no data; a field error on a non-null root field leaves data null instead.
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors)


class MethodNotAllowed(HTTPException):
    def __init__(self, reason: str) -> None:
        super().__init__(405, reason)


class GraphQLOverHTTP(GraphQL):
    def __init__(self, schema, *, persisted: PersistedQueries, **kwargs) -> None:
        super().__init__(schema, **kwargs)
        self.persisted = persisted

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except MethodNotAllowed as error:
            response = PlainTextResponse(error.reason, status_code=405, headers={"Allow": "POST"})
        except HTTPException as error:
            response = PlainTextResponse(error.reason, status_code=error.status_code)
        except PersistedQueryError as error:
            response = self._persisted_query_refusal(request, error)
        await response(scope, receive, send)

    def should_render_graphql_ide(self, request) -> bool:
        # A GET with a persisted query's hash and no query is an operation, not a browser visit.
        return super().should_render_graphql_ide(request) and request.query_params.get("extensions") is None

    async def parse_http_body(self, request) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            item.query = await self.persisted.resolve(item.query, item.extensions)
        return data

    async def execute_single(self, request, request_adapter, sub_response, context, root_value, request_data):
        try:
            return await super().execute_single(
                request=request, request_adapter=request_adapter, sub_response=sub_response,
                context=context, root_value=root_value, request_data=request_data,
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError) and request_adapter.method == "GET":
                raise MethodNotAllowed(error.reason) from error
            raise

    async def get_sub_response(self, request) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.graphql_media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    async def process_result(self, request, result) -> GraphQLHTTPResponse:
        response = process_result(result)
        # application/json keeps Strawberry's `"data": null` (what existing clients read).
        if _is_request_error(result) and response_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE_JSON:
            del response["data"]
        return response

    def create_response(self, response_data, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = getattr(sub_response, "graphql_media_type", JSON)
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        if (media_type == GRAPHQL_RESPONSE_JSON and isinstance(response_data, dict)
                and "data" not in response_data and not sub_response.status_code):
            response.status_code = 400
        return response

    def _persisted_query_refusal(self, request: Request, error: PersistedQueryError) -> Response:
        media_type = response_media_type(request.headers.get("accept"))
        body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
        return JSONResponse(
            body, status_code=error.status, media_type=f"{media_type}; charset=utf-8",
            headers={"cache-control": "private, no-cache, must-revalidate"},
        )
