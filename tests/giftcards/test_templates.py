"""HQ's templates: each kind's fields are checked, changes are audited, a deactivated template
issues no more cards and cards already issued keep their value."""

from domain.giftcards.models import GiftCard
from franchise.models import AuditEntry
from tests.giftcards.support import CREATE_TEMPLATE, ISSUE, UPDATE_TEMPLATE, call, later, one_card, payload_errors


async def create(gql, world, **input):
    return await call(gql, CREATE_TEMPLATE, world.tokens["hq_operator"],
                      {"name": "Card", "validUntil": later().isoformat(), **input})


async def test_each_kind_needs_its_own_fields(gql, world):
    cases = [
        ({"kind": "STORED_VALUE"}, ("INVALID_TEMPLATE", "faceValue")),
        ({"kind": "STORED_VALUE", "faceValue": "0"}, ("INVALID_AMOUNT", "faceValue")),
        ({"kind": "PICKUP", "itemName": "Cake", "uses": 2}, ("REQUIRED", "itemSku")),
        ({"kind": "PICKUP", "itemSku": "C", "itemName": "Cake", "uses": 0}, ("INVALID_INPUT", "uses")),
        ({"kind": "EXCHANGE", "items": []}, ("INVALID_TEMPLATE", "items")),
        ({"kind": "EXCHANGE", "items": [{"sku": "T", "name": "a"}, {"sku": "T", "name": "b"}]},
         ("INVALID_TEMPLATE", "items")),
        ({"kind": "BENEFIT", "benefitDays": 30}, ("INVALID_TEMPLATE", "benefitTierLevel")),
        ({"kind": "BENEFIT", "benefitTierLevel": 2, "benefitBundle": "x", "benefitDays": 30},
         ("INVALID_TEMPLATE", "benefitTierLevel")),
        ({"kind": "BENEFIT", "benefitTierLevel": 2}, ("INVALID_INPUT", "benefitDays")),
        ({"kind": "STORED_VALUE", "faceValue": "1", "validDays": 3}, ("INVALID_TEMPLATE", "validUntil")),
        ({"kind": "STORED_VALUE", "faceValue": "1", "storeIds": ["999999"]}, ("INVALID_TEMPLATE", "storeIds")),
        ({"kind": "STORED_VALUE", "faceValue": "1", "validFrom": later(400).isoformat()},
         ("INVALID_TEMPLATE", "validFrom")),
    ]
    for input, expected in cases:
        assert payload_errors(await create(gql, world, **input)) == [expected], input


async def test_an_update_is_audited_and_a_deactivated_template_issues_no_cards(gql, world, runtime):
    template, card, _ = await one_card(world, runtime)

    updated = await call(gql, UPDATE_TEMPLATE, world.tokens["hq_operator"], {
        "id": str(template.id), "name": "Spring 200", "kind": "STORED_VALUE", "faceValue": "200.00",
        "validUntil": later().isoformat(), "active": False})
    issued = await call(gql, ISSUE, world.tokens["hq_operator"], {"templateId": str(template.id), "count": 1})
    kind_change = await call(gql, UPDATE_TEMPLATE, world.tokens["hq_operator"], {
        "id": str(template.id), "name": "x", "kind": "PICKUP", "itemSku": "C", "itemName": "Cake", "uses": 1,
        "validDays": 3})
    too_many = await call(gql, ISSUE, world.tokens["hq_operator"], {"templateId": str(template.id), "count": 1001})

    assert updated["template"] == {"id": str(template.id), "name": "Spring 200", "faceValue": "200.00",
                                   "active": False}
    assert payload_errors(issued) == [("TEMPLATE_INACTIVE", "templateId")]
    assert payload_errors(kind_change) == [("INVALID_TEMPLATE", "kind")]
    assert payload_errors(too_many) == [("INVALID_INPUT", "count")]
    assert (await GiftCard.get(id=card.id)).balance_minor == 100_00
    entry = await AuditEntry.get(action="giftcard.template.update")
    assert entry.changes["faceValueMinor"] == [100_00, 200_00] and entry.changes["active"] == [True, False]
    assert await AuditEntry.filter(action="giftcard.issue").count() == 1
