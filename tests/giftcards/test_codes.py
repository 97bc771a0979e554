"""Codes: 80 random bits and a check symbol that catches a mistyped character or a swap of
neighbours, read without regard to case, spaces, dashes or I/L/O look-alikes; a code that
fails its check is refused without a database look-up; only keyed hashes are stored."""

import pytest

from domain.giftcards import codes, lookup
from domain.giftcards.models import GiftCard, GiftCardLedgerEntry, GiftCardTemplate
from franchise.errors import DomainError
from franchise.models import AuditEntry
from policies import Principal
from tests.giftcards.support import CLAIM, SEND, call, issue_cards, make_template, one_card


def test_a_code_carries_eighty_random_bits_and_its_check_symbol():
    code = codes.new_code()
    body = code.replace("-", "")
    assert [len(group) for group in code.split("-")] == [4, 4, 4, 4, 1]
    assert all(c in codes.ALPHABET for c in body[:16]) and len(codes.ALPHABET) ** 16 == 2 ** 80
    assert codes.normalise(code) == body
    assert len({codes.new_code() for _ in range(2000)}) == 2000


def test_every_single_mistyped_character_and_every_swap_of_neighbours_is_caught():
    for _ in range(20):
        body = codes.normalise(codes.new_code())
        for position in range(len(body)):
            alphabet = codes.ALPHABET if position < 16 else codes.CHECK_ALPHABET
            for other in alphabet:
                if other != body[position]:
                    typo = body[:position] + other + body[position + 1:]
                    assert codes.normalise(typo) is None, (body, typo)
        for position in range(15):
            if body[position] != body[position + 1]:
                swapped = body[:position] + body[position + 1] + body[position] + body[position + 2:]
                assert codes.normalise(swapped) is None


def test_case_spacing_dashes_and_look_alike_letters_do_not_matter():
    body = "0123456789ABCDEF"
    code = body + codes.check_symbol(body)
    assert codes.normalise(" " + code.lower()[:8] + " - " + code.lower()[8:] + " ") == code
    assert codes.normalise(code.replace("0", "o").replace("1", "l")) == code
    assert codes.normalise(code.replace("1", "I")) == code
    assert codes.normalise(code[:-1]) is None and codes.normalise("") is None and codes.normalise(None) is None


async def test_a_mistyped_check_character_is_invalid_code_without_a_database_look_up(world, runtime, count_queries):
    _, _, code = await one_card(world, runtime)
    body = codes.normalise(code)
    typo = body[:-1] + next(c for c in codes.CHECK_ALPHABET if c != body[-1])
    member = Principal.member(member_id=world.member_a.id, brand_id=world.brand.id)

    with count_queries() as counter, pytest.raises(DomainError) as error:
        await lookup.card_by_code(runtime, member, typo)

    assert error.value.code.value == "INVALID_CODE"
    assert counter.count == 0


async def test_codes_are_not_stored_in_plain_text_anywhere_in_the_gift_card_tables(gql, world, runtime):
    # given cards issued in a batch, bought as a gift, claimed and passed on
    template = await make_template(world, sale_price="80.00")
    shown = [issued.code for issued in await issue_cards(world, runtime, template, count=5)]
    bought = await call(gql, SEND, world.tokens["member"], {"templateId": str(template.id),
                                                            "paymentReference": "p-1"})
    await call(gql, CLAIM, world.tokens["member"], {"code": shown[0]})
    passed = await call(gql, SEND, world.tokens["member"], {"cardId": str((await GiftCard.filter(
        code_hash=codes.code_hash(runtime.secret_key, codes.normalise(shown[0]))).first()).id)})
    shown += [bought["code"], passed["code"]]

    # then no column of any gift-card table (nor the audit trail) holds any code, or its body
    needles = {form for code in shown for form in (code, codes.normalise(code), codes.normalise(code)[:16])}
    for model in (GiftCardTemplate, GiftCard, GiftCardLedgerEntry, AuditEntry):
        for row in await model.all().values():
            for column, value in row.items():
                text = str(value).upper()
                assert not any(needle in text for needle in needles), (model.__name__, column)
    # and what is stored is the keyed hash and the last four characters
    for code in shown[1:]:
        card = await GiftCard.get(code_hash=codes.code_hash(runtime.secret_key, codes.normalise(code)))
        assert card.code_hint == codes.normalise(code)[12:16]
    assert codes.code_hash("another-key", codes.normalise(shown[1])) != codes.code_hash(
        runtime.secret_key, codes.normalise(shown[1]))
