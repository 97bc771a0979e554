"""GraphQL documents of the reports tests."""

from __future__ import annotations

ERRORS = "errors { code field message }"
FIGURES = """newMembers guestOrders guestSales enrolmentRate activeMembers memberOrders memberSales
memberSalesShare repurchaseRate memberAverageOrder guestAverageOrder pointsIssued pointsRedeemed pointsExpired
pointsReversed pointsAdjustedOut pointsOutstanding pointsDebt walletToppedUp walletBonusGranted walletSpentPrincipal
walletSpentBonus walletRefunded walletBonusLapsed walletOutstandingPrincipal walletOutstandingBonus giftCardsIssued
giftCardsRedeemed giftCardAmountRedeemed giftCardOutstanding mallRedemptions mallRedemptionRate
tierDistribution { level members }"""
STORE_REPORT = f"""query($storeId: ID!, $from: Date!, $to: Date!) {{
  storeReport(storeId: $storeId, from: $from, to: $to) {{
    report {{ from to store {{ id code }} figures {{ {FIGURES} }} }} {ERRORS} }} }}"""
BRAND_REPORT = f"""query($from: Date!, $to: Date!, $groupBy: ReportGrouping!) {{
  brandReport(from: $from, to: $to, groupBy: $groupBy) {{
    report {{ from to groupBy rows {{ store {{ id code }} city figures {{ {FIGURES} }} }}
              total {{ {FIGURES} }} }} {ERRORS} }} }}"""
RECORD_GUEST_SALES = f"""mutation($input: RecordGuestSalesInput!) {{ recordGuestSales(input: $input) {{
  guestSales {{ id storeId businessDate orders amount }} replayed {ERRORS} }} }}"""
