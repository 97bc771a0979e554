"""The assembled Federation 2 schema, built once per process."""

from __future__ import annotations

from functools import lru_cache

import strawberry
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
from schema.campaigns import CampaignsMutation, CampaignsQuery
from schema.channels import ChannelsMutation, ChannelsQuery
from schema.engagement import EngagementMutation, EngagementQuery
from schema.extensions import ErrorCodes
from schema.federation import Order, Product
from schema.franchise import FranchiseMutation, FranchiseQuery
from schema.members import MembersMutation, MembersQuery
from schema.notifications import NotificationsQuery
from schema.points import PointsMutation, PointsQuery
from schema.points_checkout import PointsCheckoutMutation
from schema.roles import RolesMutation, RolesQuery
from schema.tiers import TiersMutation, TiersQuery

Query = merge_types("Query", (AuthQuery, FranchiseQuery, MembersQuery, PointsQuery, RolesQuery, TiersQuery,
                              ChannelsQuery, EngagementQuery, CampaignsQuery, NotificationsQuery))
Mutation = merge_types(
    "Mutation",
    (AuthMutation, FranchiseMutation, MembersMutation, PointsMutation, PointsCheckoutMutation, RolesMutation,
     TiersMutation, ChannelsMutation, EngagementMutation, CampaignsMutation),
)


class LoyaltySchema(strawberry.federation.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # ErrorCodes already logged what is internal; denials and bad input are not errors of ours.
        return None


@lru_cache
def build_schema(max_depth: int = 12, max_aliases: int = 30, max_tokens: int = 2000) -> LoyaltySchema:
    # The depth and alias limits are validation rules made once here: a rule class made per
    # request would change the validation cache's key, and every request would validate again.
    limits = [
        rule
        for limiter in (QueryDepthLimiter(max_depth=max_depth), MaxAliasesLimiter(max_alias_count=max_aliases))
        for rule in limiter.validation_rules
    ]
    return LoyaltySchema(
        query=Query,
        mutation=Mutation,
        types=[Product, Order],
        federation_version="2.11",
        extensions=[
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            ErrorCodes,
        ],
    )
