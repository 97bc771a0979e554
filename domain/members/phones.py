"""Phone numbers: one normal form per member, and a masked form for callers who may not see it."""

from __future__ import annotations

import phonenumbers

from franchise.errors import DomainError
from domain.members.errors import MemberErrorCode


def normalise_phone(raw: str | None, region: str, field: str = "phone") -> str:
    if not raw or len(raw) > 32:
        raise DomainError(MemberErrorCode.INVALID_PHONE, "Give a valid mobile number.", field)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise DomainError(MemberErrorCode.INVALID_PHONE, "Give a valid mobile number.", field) from None
    # Members sign in with a one-time code by SMS: only a mobile number without extension works.
    mobile = phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
    )
    if not phonenumbers.is_valid_number(number) or not mobile or number.extension:
        raise DomainError(MemberErrorCode.INVALID_PHONE, "Give a valid mobile number.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+8613800138000 -> +86138****8000: enough for a clerk to confirm, not to harvest."""
    number = phonenumbers.parse(e164)
    national = str(number.national_number)
    hidden = max(len(national) - 7, 1)
    return f"+{number.country_code}{national[:3]}{'*' * hidden}{national[3 + hidden:]}"
