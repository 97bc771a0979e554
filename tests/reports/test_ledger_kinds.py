"""A new points ledger kind must land in a report figure, or issued/redeemed stop reconciling."""

from domain.points.models import LedgerKind
from domain.reports.figures import POINTS_CREDITS, POINTS_DEBITS


def test_every_points_ledger_kind_is_counted_by_the_reports():
    assert {kind.value for kind in LedgerKind} <= set(POINTS_CREDITS) | set(POINTS_DEBITS)


def test_automation_rewards_count_as_points_issued():
    assert "REWARD" in POINTS_CREDITS
