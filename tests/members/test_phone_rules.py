import pytest

from domain.members.phones import mask_phone, normalise_phone
from franchise.errors import DomainError


@pytest.mark.parametrize("raw", ["+86 10 6552 9988", "+86 138 0013 8000 ext. 5", "12345", "", "+1 202"])
def test_a_member_phone_must_be_a_mobile_number_without_extension(raw):
    with pytest.raises(DomainError) as refused:
        normalise_phone(raw, "CN")

    assert refused.value.code.value == "INVALID_PHONE"


@pytest.mark.parametrize("raw", ["138 0013 8000", "+86 13800138000", "13800138000", "+8613800138000"])
def test_spellings_of_one_mobile_number_normalise_to_one_e164(raw):
    assert normalise_phone(raw, "CN") == "+8613800138000"


def test_masked_phone_keeps_country_prefix_and_last_four_digits():
    assert mask_phone("+8613800138000") == "+86138****8000"
