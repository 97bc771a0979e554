"""Referral: a member enrolled with another's referral code is linked to it (domain/members);
the referrer earns the REFERRAL activity points when the referee's first purchase lands, once."""

from __future__ import annotations

from domain.engagement.activities import credit_activity
from domain.engagement.models import Referral
from domain.members.models import Member
from domain.points import ledger
from domain.points.models import PointsRules, Purchase


async def reward_referrer(referee: Member, purchase: Purchase, *, rules: PointsRules, zone: str, actor: str) -> None:
    """Called inside the purchase's transaction, with the referee's account locked (so two
    first purchases at once reward once). The referrer enrolled before the referee, so locks
    are always taken newer member first: no deadlock between referral chains."""
    if referee.referred_by_id is None:
        return
    if await Referral.filter(referee_id=referee.id).exists():
        return
    account = await ledger.lock_account(referee.brand_id, referee.referred_by_id)
    earned = await credit_activity(account, activity="REFERRAL", reference=f"referee:{referee.id}",
                                   at=purchase.occurred_at, rules=rules, zone=zone, actor=actor,
                                   store_id=purchase.store_id)
    await Referral.create(brand_id=referee.brand_id, referee_id=referee.id, referrer_id=referee.referred_by_id,
                          purchase_id=purchase.id, points=earned.points)
