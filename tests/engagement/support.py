"""Documents and set-up of the engagement tests."""

from __future__ import annotations

from domain.engagement import settings
from domain.points import rules
from tests.factories import hq

CHECK_IN = """mutation($input: CheckInInput) { checkIn(input: $input) {
  checkIn { day streak points bonus store { code } } balance alreadyCheckedIn errors { code field } } }"""
RECORD_ACTIVITY = """mutation($input: RecordActivityInput!) { recordActivity(input: $input) {
  points balance replayed errors { code field } } }"""
CREATE_POST = """mutation($input: CreatePostInput!) { createPost(input: $input) {
  post { id text imageUrls tags hidden store { code } } pointsEarned errors { code field } } }"""
COMMENT = """mutation($input: CommentOnPostInput!) { commentOnPost(input: $input) {
  comment { id text } pointsEarned errors { code field } } }"""
HIDE = """mutation($input: HidePostInput!) { hidePost(input: $input) { post { id hidden } errors { code field } } }"""
POSTS = """query($storeId: ID) { posts(storeId: $storeId) { totalCount edges { node { id text hidden } } } }"""
SETTINGS = "{ engagementSettings { streakDays streakBonus expiryReminderDays campaignRule webhookUrl } }"
UPDATE_SETTINGS = """mutation($input: UpdateEngagementSettingsInput!) { updateEngagementSettings(input: $input) {
  settings { streakDays streakBonus expiryReminderDays campaignRule webhookUrl } errors { code field } } }"""

ACTIVITY_RULES = {
    "CHECK_IN": {"points": 5, "daily_cap": 0}, "SHARE": {"points": 3, "daily_cap": 6},
    "REFERRAL": {"points": 50, "daily_cap": 0}, "POST": {"points": 10, "daily_cap": 10},
    "COMMENT": {"points": 2, "daily_cap": 4}, "REVIEW": {"points": 8, "daily_cap": 0},
}


async def earn_by_activities(world, *, streak_bonus: int = 0, streak_days: int = 7) -> None:
    await rules.update_points_rules(hq(world.admin), rules.RulesInput(activity_points=ACTIVITY_RULES))
    if streak_bonus:
        await settings.update_engagement_settings(
            hq(world.admin), settings.SettingsInput(streak_bonus=streak_bonus, streak_days=streak_days))
