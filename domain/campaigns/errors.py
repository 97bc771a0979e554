from __future__ import annotations

import enum


class CampaignErrorCode(str, enum.Enum):
    CAMPAIGN_NOT_FOUND = "CAMPAIGN_NOT_FOUND"
    INVALID_CAMPAIGN = "INVALID_CAMPAIGN"
