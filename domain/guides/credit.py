"""Which guide a purchase credits (导购业绩). Decision: the guide named with the sale, who must be
active staff (clerk or manager) of the sale's store; without one, the member's assigned guide
when that assignment is still effective (see assignments.py) and the sale is at the guide's
store; otherwise nobody. A sale is thus only ever credited to staff of the store it was made at,
so a store's per-guide figures add up within that store. Marketplace orders imported through
channels (importChannelOrders) credit no guide: nobody at a counter made those sales."""

from __future__ import annotations

from domain.guides.assignments import effective_guide_id, is_guide_of
from domain.guides.errors import GuideErrorCode
from domain.members.models import Member
from franchise.errors import DomainError
from franchise.models import Staff


async def guide_for_sale(member: Member, store_id: int, guide_id: int | None) -> int | None:
    """One query when a guide is named or the member has one; none otherwise."""
    if guide_id is not None:
        guide = await Staff.filter(id=guide_id, brand_id=member.brand_id).first()
        if not is_guide_of(guide, store_id):
            raise DomainError(GuideErrorCode.GUIDE_NOT_OF_STORE, "The guide is not active staff of this store.",
                              "guideId")
        return guide_id
    if member.guide_id is None:
        return None
    guide = await Staff.filter(id=member.guide_id).first()
    assigned = effective_guide_id(member, guide)
    return assigned if assigned is not None and guide.store_id == store_id else None
