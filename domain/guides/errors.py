from __future__ import annotations

import enum


class GuideErrorCode(str, enum.Enum):
    GUIDE_NOT_FOUND = "GUIDE_NOT_FOUND"  # no active store staff of the brand with this id
    GUIDE_NOT_OF_STORE = "GUIDE_NOT_OF_STORE"  # the guide is not staff of the member's home store / the sale's store
    NO_GUIDE = "NO_GUIDE"  # the member has no guide to credit a follow-up to
    TOO_MANY_MEMBERS = "TOO_MANY_MEMBERS"
    INVALID_GUIDE_SETTINGS = "INVALID_GUIDE_SETTINGS"
    SEGMENT_NOT_FOUND = "SEGMENT_NOT_FOUND"
