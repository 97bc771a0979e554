"""Sign-in and the caller."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from policies import PrincipalKind as PrincipalKindEnum
from resolvers import auth as resolvers
from resolvers import franchise as franchise_resolvers
from resolvers import members as member_resolvers
from schema.common import UserError
from schema.franchise import ApiClient, Brand, Role, Staff, Store
from schema.members import Member

CallerKind = strawberry.enum(PrincipalKindEnum, name="CallerKind")


@strawberry.type(description="Who is calling.")
class Viewer:
    kind: CallerKind  # type: ignore[valid-type]
    role: Role | None  # type: ignore[valid-type]
    scopes: list[str]
    brand_id: strawberry.ID | None
    credential_error: str | None = strawberry.field(
        description="Why the credential sent was not accepted, if one was."
    )

    @strawberry.field
    async def brand(self, info: Info) -> Brand | None:
        return await franchise_resolvers.brand(info) if info.context.principal.is_authenticated else None

    @strawberry.field
    async def store(self, info: Info) -> Store | None:
        return await resolvers.viewer_store(info)

    @strawberry.field
    async def member(self, info: Info) -> Member | None:
        principal = info.context.principal
        return await member_resolvers.member(info, principal.member_id) if principal.member_id else None


@strawberry.input
class LoginInput:
    brand_slug: str
    email: str
    password: str


@strawberry.type
class LoginPayload:
    token: str | None = None
    expires_in: int | None = strawberry.field(default=None, description="Seconds.")
    staff: Staff | None = None
    errors: list[UserError]


@strawberry.input
class RequestMemberCodeInput:
    brand_slug: str
    phone: str


@strawberry.type
class RequestMemberCodePayload:
    sent: bool = False
    expires_in: int | None = None
    errors: list[UserError]


@strawberry.input
class MemberLoginInput:
    brand_slug: str
    phone: str
    code: str


@strawberry.type
class MemberLoginPayload:
    token: str | None = None
    expires_in: int | None = None
    member: Member | None = None
    errors: list[UserError]


@strawberry.input
class CreateApiClientInput:
    name: str
    scopes: list[str]
    store_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Limit the client to these stores; omit for brand-wide."
    )


@strawberry.type
class CreateApiClientPayload:
    api_client: ApiClient | None = None
    api_key: str | None = strawberry.field(default=None, description="Shown once; store it now.")
    errors: list[UserError]


@strawberry.input
class RevokeApiClientInput:
    id: strawberry.ID


@strawberry.type
class RevokeApiClientPayload:
    api_client: ApiClient | None = None
    errors: list[UserError]


@strawberry.type
class AuthQuery:
    @strawberry.field(description="Who is calling: kind, role, brand, store, member.")
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(
            kind=p.kind, role=p.role, scopes=sorted(p.scopes),
            brand_id=strawberry.ID(str(p.brand_id)) if p.brand_id else None,
            credential_error=p.credential_error,
        )


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Staff sign-in → a short-lived bearer token.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        return LoginPayload(**await resolvers.login(info, input))

    @strawberry.mutation(description="Send a one-time code to a member's phone.")
    async def request_member_code(
        self, info: Info, input: RequestMemberCodeInput
    ) -> RequestMemberCodePayload:
        return RequestMemberCodePayload(**await resolvers.request_member_code(info, input))

    @strawberry.mutation(description="Member sign-in with the one-time code → a bearer token.")
    async def member_login(self, info: Info, input: MemberLoginInput) -> MemberLoginPayload:
        return MemberLoginPayload(**await resolvers.member_login(info, input))

    @strawberry.mutation(description="HQ admin creates a partner API client; the key is shown once.")
    async def create_api_client(self, info: Info, input: CreateApiClientInput) -> CreateApiClientPayload:
        return CreateApiClientPayload(**await resolvers.create_api_client(info, input))

    @strawberry.mutation(description="HQ admin revokes a partner API client at once.")
    async def revoke_api_client(self, info: Info, input: RevokeApiClientInput) -> RevokeApiClientPayload:
        return RevokeApiClientPayload(**await resolvers.revoke_api_client(info, input))
