"""The assembled Federation 2 schema, built once per process."""

from __future__ import annotations

import inspect
from functools import lru_cache

import strawberry
from graphql import GraphQLError
from strawberry.federation.schema import FederationAny
from strawberry.types import Info
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from schema.auth import AuthMutation, AuthQuery
from schema.automations import AutomationsMutation, AutomationsQuery
from schema.campaigns import CampaignsMutation, CampaignsQuery
from schema.channels import ChannelsMutation, ChannelsQuery
from schema.engagement import EngagementMutation, EngagementQuery
from schema.extensions import ErrorCodes
from schema.federation import Order, Product
from schema.coupons import CouponsMutation
from schema.franchise import FranchiseMutation, FranchiseQuery
from schema.giftcards import GiftCardsMutation, GiftCardsQuery, GiftCardTemplate
from schema.guides import GuidesMutation, GuidesQuery
from schema.mall import MallItem, MallMutation, MallQuery
from schema.members import MembersMutation, MembersQuery
from schema.notifications import NotificationsQuery
from schema.observability import ObserveOperations
from schema.paid_membership import PaidMembershipMutation
from schema.points import PointsMutation, PointsQuery
from schema.points_checkout import PointsCheckoutMutation
from schema.reports import ReportsMutation, ReportsQuery
from schema.roles import RolesMutation, RolesQuery
from schema.segments import SegmentsMutation, SegmentsQuery
from schema.subscriptions import Subscription
from schema.tiers import TiersMutation, TiersQuery
from schema.wallet import WalletMutation, WalletQuery

Query = merge_types(
    "Query",
    (AuthQuery, FranchiseQuery, MembersQuery, PointsQuery, RolesQuery, TiersQuery, GiftCardsQuery, WalletQuery,
     MallQuery, ChannelsQuery, EngagementQuery, CampaignsQuery, NotificationsQuery,
     GuidesQuery, AutomationsQuery, SegmentsQuery, ReportsQuery),
)
Mutation = merge_types(
    "Mutation",
    (AuthMutation, FranchiseMutation, MembersMutation, PointsMutation, PointsCheckoutMutation, RolesMutation,
     TiersMutation, GiftCardsMutation, WalletMutation, PaidMembershipMutation, MallMutation, CouponsMutation,
     ChannelsMutation, EngagementMutation, CampaignsMutation,
     GuidesMutation, AutomationsMutation, SegmentsMutation, ReportsMutation),
)


class LoyaltySchema(strawberry.federation.Schema):
    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        # Strawberry answers a representation of an unknown type, or with keys its
        # resolve_reference does not take, with a KeyError / TypeError: an internal error for
        # what is the caller's mistake (found by tests/fuzz). Refuse those as BAD_USER_INPUT.
        for index, representation in enumerate(representations):
            problem = self._representation_problem(representation)
            if problem:
                raise GraphQLError(f"representations[{index}]: {problem}", extensions={"code": "BAD_USER_INPUT"})
        return super().entities_resolver(info, representations)

    def _representation_problem(self, representation) -> str | None:
        if not isinstance(representation, dict) or not isinstance(representation.get("__typename"), str):
            return "an object with a __typename is expected"
        type_ = self.schema_converter.type_map.get(representation["__typename"])
        origin = getattr(getattr(type_, "definition", None), "origin", None)
        resolve = getattr(origin, "resolve_reference", None)
        if resolve is None:
            return "not an entity of this subgraph"
        parameters = {name: p for name, p in inspect.signature(resolve).parameters.items() if name != "info"}
        given = set(representation) - {"__typename"}
        required = {name for name, p in parameters.items() if p.default is inspect.Parameter.empty}
        if not required <= given or not given <= set(parameters):
            return f"{representation['__typename']} is looked up by {', '.join(sorted(required))}"
        return None

    def process_errors(self, errors, execution_context=None) -> None:
        # ErrorCodes already logged what is internal; denials and bad input are not errors of ours.
        return None


def _redacted_arguments(arguments: dict, info) -> dict:
    # Resolver arguments carry passwords, one-time codes and phone numbers: spans keep their names only.
    return {name: "[redacted]" for name in arguments}


@lru_cache
def build_schema(max_depth: int = 12, max_aliases: int = 30, max_tokens: int = 2000, *,
                 tracing: bool = False) -> LoyaltySchema:
    # The depth and alias limits are validation rules made once here: a rule class made per
    # request would change the validation cache's key, and every request would validate again.
    limits = [
        rule
        for limiter in (QueryDepthLimiter(max_depth=max_depth), MaxAliasesLimiter(max_alias_count=max_aliases))
        for rule in limiter.validation_rules
    ]
    tracing_extensions = []
    if tracing:
        # Imported only when tracing is configured. Spans: "GraphQL Query: <operation name>" for
        # every operation (with parsing, validation and one per non-trivial resolver beneath it).
        from strawberry.extensions.tracing import OpenTelemetryExtension

        tracing_extensions.append(lambda: OpenTelemetryExtension(arg_filter=_redacted_arguments))
    return LoyaltySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Product, Order, GiftCardTemplate, MallItem],
        federation_version="2.11",
        extensions=[
            *tracing_extensions,
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            ObserveOperations,
            ErrorCodes,
        ],
    )
