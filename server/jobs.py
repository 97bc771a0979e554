"""Background jobs on taskiq: the same services as the API, run off the request path.

Broker: without LOYALTY_REDIS_URL an `InMemoryBroker` (the embedded default: a task runs in
the process that kicks it, so `loyalty worker` both schedules and runs); with it a taskiq-redis
`ListQueueBroker`, whose queue any number of `loyalty worker` processes share.

Schedules are labels on the tasks, read by a `LabelScheduleSource`; cron times are in the
zone named by `cron_offset`:

- `expire_points`: daily at 00:05 Asia/Shanghai, just after the local midnight at which the
  lots of a brand in that zone expire. A lot due in another zone waits for the next run at the
  latest; a spend never uses it meanwhile (spending expires the account's due lots first).
- `evaluate_tiers`: daily at 00:15 Asia/Shanghai, ending the evaluation periods that are over.
- `birthday_rewards`: daily at 09:00 Asia/Shanghai (a greeting hour), once a year per member.
- `expire_gift_cards`: daily at 00:10 Asia/Shanghai: live gift cards past their validity become
  EXPIRED with an EXPIRE ledger entry (a card past its date is refused before that anyway).
- `expire_wallet_bonus`: daily at 00:10 Asia/Shanghai, removing bonus grants past their date
  (a payment never uses a due grant meanwhile: spending expires the wallet's due grants first).
- `expire_paid_memberships`: daily at 00:20 Asia/Shanghai, ending memberships that ran out
  (their benefits stop at the end instant whether or not the job has run).
- `issue_membership_coupon_packs`: daily at 00:30 Asia/Shanghai, this month's coupon pack of
  every running paid membership, once per membership and brand-local month (keyed, so any
  number of runs give one pack).
- `cancel_expired_pickups`: every 10 minutes, cancelling mall pickups not collected in their
  window (points back to their lots, stock back).
- `expiry_reminders`: daily at 10:00 Asia/Shanghai, one outbox row per member per expiry date.
- `deliver_notifications`: every minute, sends the outbox rows that are due (retries back off).
- `run_automations`: hourly at :20, every active automation; each fires at most once per member
  and period (brand-local days), so the hourly runs only catch members newly hit.
- `recompute_rule_tags`: daily at 02:00 Asia/Shanghai, every brand's tag rules (adds and removes
  rule tags in set-based statements; a rule change applies at once anyway).
- `recompute_rfm`: daily at 02:30 Asia/Shanghai, every brand's RFM scores and segments."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from taskiq import AsyncBroker, InMemoryBroker, TaskiqScheduler
from taskiq.api import run_receiver_task, run_scheduler_task
from taskiq.schedule_sources import LabelScheduleSource
from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

from domain.automations.runner import run_due_automations
from domain.giftcards.expiry import expire_due_cards
from domain.mall.redemptions import cancel_expired_pickups as cancel_due_pickups
from domain.notifications.outbox import deliver_due
from domain.notifications.reminders import write_expiry_reminders
from domain.points.expiry import expire_due_lots
from domain.segments.rfm import recompute_all_rfm
from domain.segments.rules import recompute_rule_tags as apply_tag_rules
from domain.tiers.birthdays import grant_birthday_rewards
from domain.tiers.service import evaluate_tiers as evaluate_due_tiers
from domain.wallet.expiry import expire_due_bonus
from domain.wallet.membership import expire_paid_memberships as end_due_memberships
from domain.wallet.membership import issue_membership_coupon_packs as give_due_coupon_packs
from server.metrics import JobMetricsMiddleware
from server.notification_senders import install_channel_senders
from server.settings import get_settings

QUEUE = "loyalty:jobs"
RESULTS_KEPT_SECONDS = 24 * 3600
EXPIRE_POINTS_SCHEDULE = [
    {"cron": "5 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "expire-points-daily"},
]


async def expire_points() -> int:
    """Expire every brand's lots that are due now; returns the points expired."""
    return await expire_due_lots(datetime.now(UTC))


EVALUATE_TIERS_SCHEDULE = [
    {"cron": "15 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "evaluate-tiers-daily"},
]
BIRTHDAY_REWARDS_SCHEDULE = [
    {"cron": "0 9 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "birthday-rewards-daily"},
]


async def evaluate_tiers() -> int:
    """End every evaluation period that is over; returns how many members were evaluated."""
    return await evaluate_due_tiers(datetime.now(UTC))


async def birthday_rewards() -> int:
    """Credit today's birthday points; returns how many members got them."""
    return await grant_birthday_rewards(datetime.now(UTC))


EXPIRE_GIFT_CARDS_SCHEDULE = [
    {"cron": "10 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "expire-gift-cards-daily"},
]


async def expire_gift_cards() -> int:
    """Expire every live gift card past its validity; returns how many expired."""
    return await expire_due_cards(datetime.now(UTC))
EXPIRE_WALLET_BONUS_SCHEDULE = [
    {"cron": "10 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "expire-wallet-bonus-daily"},
]
EXPIRE_PAID_MEMBERSHIPS_SCHEDULE = [
    {"cron": "20 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "expire-paid-memberships-daily"},
]


async def expire_wallet_bonus() -> int:
    """Expire every wallet bonus grant due now; returns the minor units expired."""
    return await expire_due_bonus(datetime.now(UTC))


async def expire_paid_memberships() -> int:
    """End every paid membership that ran out; returns how many."""
    return await end_due_memberships(datetime.now(UTC))
ISSUE_MEMBERSHIP_COUPON_PACKS_SCHEDULE = [
    {"cron": "30 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "membership-coupon-packs-daily"},
]


async def issue_membership_coupon_packs() -> int:
    """Give every running paid membership this month's coupon pack, once; returns the coupons issued."""
    return await give_due_coupon_packs(datetime.now(UTC))
CANCEL_EXPIRED_PICKUPS_SCHEDULE = [
    {"cron": "*/10 * * * *", "schedule_id": "cancel-expired-pickups"},
]


async def cancel_expired_pickups() -> int:
    """Cancel the mall pickups whose window is over; returns how many."""
    return await cancel_due_pickups(datetime.now(UTC))
EXPIRY_REMINDERS_SCHEDULE = [
    {"cron": "0 10 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "expiry-reminders-daily"},
]
DELIVER_NOTIFICATIONS_SCHEDULE = [
    {"cron": "* * * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "deliver-notifications"},
]


async def expiry_reminders() -> int:
    """Write one reminder per member per expiry date within each brand's horizon, then send
    what is due; returns how many reminders were new."""
    written = await write_expiry_reminders(datetime.now(UTC))
    await deliver_due(datetime.now(UTC))
    return written


async def deliver_notifications() -> int:
    """Send the outbox rows that are due (retries with backoff); returns how many were sent."""
    return await deliver_due(datetime.now(UTC))


RUN_AUTOMATIONS_SCHEDULE = [
    {"cron": "20 * * * *", "schedule_id": "run-automations-hourly"},
]


async def run_automations() -> int:
    """Fire every active automation for the members its trigger hits now (once per member and
    period, whatever the number of runs); returns the members fired."""
    return await run_due_automations(datetime.now(UTC))


# segments (issue 8)
RECOMPUTE_RULE_TAGS_SCHEDULE = [
    {"cron": "0 2 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "recompute-rule-tags-daily"},
]
RECOMPUTE_RFM_SCHEDULE = [
    {"cron": "30 2 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "recompute-rfm-daily"},
]


async def recompute_rule_tags() -> int:
    """Make every brand's rule tags true now; returns how many tags were added or removed."""
    return await apply_tag_rules(now=datetime.now(UTC))


async def recompute_rfm() -> int:
    """Every brand's RFM scores as of now; returns how many members were scored."""
    return await recompute_all_rfm(now=datetime.now(UTC))


def make_broker(redis_url: str | None) -> AsyncBroker:
    """The broker for this deployment, with every task registered on it."""
    if redis_url:
        broker: AsyncBroker = ListQueueBroker(redis_url, queue_name=QUEUE).with_result_backend(
            RedisAsyncResultBackend(redis_url, result_ex_time=RESULTS_KEPT_SECONDS))
    else:
        broker = InMemoryBroker()
    broker.add_middlewares(JobMetricsMiddleware())
    broker.register_task(expire_points, task_name="expire_points", schedule=EXPIRE_POINTS_SCHEDULE)
    broker.register_task(evaluate_tiers, task_name="evaluate_tiers", schedule=EVALUATE_TIERS_SCHEDULE)
    broker.register_task(birthday_rewards, task_name="birthday_rewards", schedule=BIRTHDAY_REWARDS_SCHEDULE)
    broker.register_task(expire_gift_cards, task_name="expire_gift_cards", schedule=EXPIRE_GIFT_CARDS_SCHEDULE)
    broker.register_task(expire_wallet_bonus, task_name="expire_wallet_bonus", schedule=EXPIRE_WALLET_BONUS_SCHEDULE)
    broker.register_task(expire_paid_memberships, task_name="expire_paid_memberships",
                         schedule=EXPIRE_PAID_MEMBERSHIPS_SCHEDULE)
    broker.register_task(issue_membership_coupon_packs, task_name="issue_membership_coupon_packs",
                         schedule=ISSUE_MEMBERSHIP_COUPON_PACKS_SCHEDULE)
    broker.register_task(cancel_expired_pickups, task_name="cancel_expired_pickups",
                         schedule=CANCEL_EXPIRED_PICKUPS_SCHEDULE)
    broker.register_task(expiry_reminders, task_name="expiry_reminders", schedule=EXPIRY_REMINDERS_SCHEDULE)
    broker.register_task(deliver_notifications, task_name="deliver_notifications",
                         schedule=DELIVER_NOTIFICATIONS_SCHEDULE)
    broker.register_task(run_automations, task_name="run_automations", schedule=RUN_AUTOMATIONS_SCHEDULE)
    broker.register_task(recompute_rule_tags, task_name="recompute_rule_tags", schedule=RECOMPUTE_RULE_TAGS_SCHEDULE)
    broker.register_task(recompute_rfm, task_name="recompute_rfm", schedule=RECOMPUTE_RFM_SCHEDULE)
    return broker


def make_scheduler(broker: AsyncBroker) -> TaskiqScheduler:
    return TaskiqScheduler(broker, sources=[LabelScheduleSource(broker)])


broker = make_broker(get_settings().redis_url)
scheduler = make_scheduler(broker)


async def run_worker(*, with_scheduler: bool = True) -> None:
    """Take tasks from the Redis queue and/or kick scheduled ones, until cancelled. The caller
    has opened the database. Run the scheduler in one process only: each kicks its schedules."""
    runs = []
    if not isinstance(broker, InMemoryBroker):  # an in-memory broker runs what it is kicked
        runs.append(run_receiver_task(broker))
    if with_scheduler:
        runs.append(run_scheduler_task(scheduler))
    if not runs:
        raise ValueError("with the in-process broker (no LOYALTY_REDIS_URL) the worker is the scheduler")
    install_channel_senders(get_settings())
    await broker.startup()
    try:
        await asyncio.gather(*runs)
    finally:
        await broker.shutdown()
