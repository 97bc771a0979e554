"""Engagement: check-in, activities, the community feed, the brand's engagement settings."""

from __future__ import annotations

from typing import Any

from domain.engagement import activities, checkin, community, settings
from domain.engagement.models import CampaignRule
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


async def check_in(info, input: Any) -> dict:
    async def work():
        done = await checkin.check_in(info.context.principal,
                                      store_id=parse_optional_id(input.store_id if input else None, "storeId"))
        return {"check_in": done.check_in, "balance": done.balance, "already_checked_in": done.replayed}

    return await attempt(work())


async def record_activity(info, input: Any) -> dict:
    async def work():
        earned = await activities.record_activity(
            info.context.principal, activity=input.activity.value, reference=input.reference,
            member_id=parse_optional_id(input.member_id, "memberId"))
        return {"points": earned.points, "balance": earned.balance, "replayed": earned.replayed}

    return await attempt(work())


async def create_post(info, input: Any) -> dict:
    async def work():
        posted = await community.create_post(
            info.context.principal, text=input.text, image_urls=input.image_urls,
            store_id=parse_optional_id(input.store_id, "storeId"), tags=input.tags)
        return {"post": posted.post, "points_earned": posted.earned.points}

    return await attempt(work())


async def comment_on_post(info, input: Any) -> dict:
    async def work():
        done = await community.comment_on_post(info.context.principal, post_id=parse_id(input.post_id, "postId"),
                                               text=input.text)
        return {"comment": done.comment, "points_earned": done.earned.points}

    return await attempt(work())


async def hide_post(info, input: Any) -> dict:
    async def work():
        post = await community.hide_post(info.context.principal, post_id=parse_id(input.post_id, "postId"),
                                         hidden=input.hidden)
        return {"post": post}

    return await attempt(work())


async def posts(info, store_id: Any, first: int, after: str | None) -> Page:
    query = community.posts_query(info.context.principal, store_id=parse_optional_id(store_id, "storeId"))
    return await paginate(query, first=first, after=after)


async def engagement_settings(info):
    return await settings.get_engagement_settings(info.context.principal)


async def update_engagement_settings(info, input: Any) -> dict:
    async def work():
        change = settings.SettingsInput(
            streak_days=input.streak_days, streak_bonus=input.streak_bonus,
            expiry_reminder_days=input.expiry_reminder_days,
            campaign_rule=CampaignRule(input.campaign_rule.value) if input.campaign_rule else None,
            webhook_url=input.webhook_url, webhook_secret=input.webhook_secret,
            clear_webhook=bool(input.clear_webhook))
        return {"settings": await settings.update_engagement_settings(info.context.principal, change)}

    return await attempt(work())
