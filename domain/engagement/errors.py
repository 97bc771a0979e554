from __future__ import annotations

import enum


class EngagementErrorCode(str, enum.Enum):
    UNKNOWN_ACTIVITY = "UNKNOWN_ACTIVITY"
    POST_NOT_FOUND = "POST_NOT_FOUND"
    INVALID_SETTINGS = "INVALID_SETTINGS"
