from __future__ import annotations

import enum


class ReportErrorCode(str, enum.Enum):
    INVALID_RANGE = "INVALID_RANGE"  # from after to
    RANGE_TOO_LONG = "RANGE_TOO_LONG"
    GUEST_SALES_CONFLICT = "GUEST_SALES_CONFLICT"  # the same idempotency key with other figures
