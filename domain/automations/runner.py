"""Run automations: select the members a trigger hits (SQL), skip those already fired this
period or opted out, and act per member in bounded batches. Each member's action and its
firing row commit together; the firing's UNIQUE (automation, member, period key) makes a
second worker's insert fail, so racing runs fire once per member."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from domain import events
from domain.automations import messages
from domain.automations.errors import AutomationErrorCode
from domain.automations.models import Automation, AutomationAction, AutomationFiring
from domain.automations.periods import period_key
from domain.automations.triggers import members_triggered
from domain.coupons.service import issue_coupon_to_member
from domain.members.models import MemberTag, TagKind
from domain.members.phones import mask_phone
from domain.notifications import outbox
from domain.notifications.models import NotificationChannel
from domain.notifications.preferences import opted_out
from domain.points import ledger, rules as points_rules
from domain.points.models import LedgerKind
from franchise.errors import DomainError
from franchise.models import Brand
from policies import Principal, authorize

log = logging.getLogger("loyalty.automations")
ACTOR = "automation"
BATCH = 100
SAMPLE = 10
NOTIFICATION_KIND = "AUTOMATION"


@dataclass
class MemberSample:
    member_id: int
    name: str | None
    masked_phone: str


@dataclass
class AutomationRun:
    automation: Automation
    dry_run: bool
    period_key: str
    candidates: int  # hit by the trigger, not fired this period, not opted out
    skipped_opt_out: int
    sample: list[MemberSample]
    fired: int = 0
    # Why firing stopped or never began: BUDGET_NOT_APPROVED, BUDGET_EXHAUSTED, SEGMENT_NOT_FOUND.
    blocked: str | None = None
    failed: dict[str, int] = field(default_factory=dict)  # outcome code -> members, e.g. COUPON_LIMIT_REACHED


class _Stop(Exception):
    """Rolls back the member's firing and stops the run (the budget cannot pay for it)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


async def run_automations(principal: Principal, *, automation_id: int | None = None, dry_run: bool = False,
                          now: datetime | None = None, batch_size: int = BATCH) -> list[AutomationRun]:
    """Run one automation (active or not), or every active one of the caller's brand."""
    authorize(principal, "automation", "run")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    query = Automation.filter(brand_id=principal.brand_id)
    if automation_id is not None:
        query = query.filter(id=automation_id)
        if not await query.exists():
            raise DomainError(AutomationErrorCode.AUTOMATION_NOT_FOUND, "No such automation.", "automationId")
    else:
        query = query.filter(active=True)
    brand = await Brand.get(id=principal.brand_id)
    return [await run_one(automation, brand=brand, now=now, dry_run=dry_run, batch_size=batch_size)
            for automation in await query.order_by("id")]


async def run_due_automations(now: datetime, *, brand_id: int | None = None) -> int:
    """The scheduled job: every active automation of every brand; returns the members fired."""
    fired = 0
    brands = Brand.all() if brand_id is None else Brand.filter(id=brand_id)
    for brand in await brands.order_by("id"):
        for automation in await Automation.filter(brand_id=brand.id, active=True).order_by("id"):
            try:
                fired += (await run_one(automation, brand=brand, now=now.astimezone(UTC))).fired
            except Exception:  # noqa: BLE001 - one broken automation must not stop every brand's others
                log.exception("automation %s failed; the next run retries it", automation.id)
    return fired


async def run_one(automation: Automation, *, brand: Brand, now: datetime, dry_run: bool = False,
                  batch_size: int = BATCH) -> AutomationRun:
    key = period_key(automation.period, automation.period_days, now, brand.timezone)
    fired_this_period = AutomationFiring.filter(automation_id=automation.id, period_key=key)
    try:
        triggered = await members_triggered(automation, now=now, timezone=brand.timezone)
    except DomainError as error:  # e.g. its saved segment was deleted: this one stops, the others run
        return AutomationRun(automation=automation, dry_run=dry_run, period_key=key, candidates=0,
                             skipped_opt_out=0, sample=[], blocked=error.code.value)
    fresh = triggered.exclude(id__in=Subquery(fired_this_period.values("member_id")))
    reachable = fresh
    if automation.action is AutomationAction.NOTIFY:
        params = automation.action_params
        reachable = fresh.exclude(id__in=Subquery(opted_out(brand.id, params["channel"], params["marketing"])
                                                  .values("member_id")))
    candidates = await reachable.count()
    skipped = await fresh.count() - candidates if reachable is not fresh else 0
    sample = [MemberSample(row["id"], row["name"], mask_phone(row["phone"]))
              for row in await reachable.order_by("id").limit(SAMPLE).values("id", "name", "phone")]
    run = AutomationRun(automation=automation, dry_run=dry_run, period_key=key, candidates=candidates,
                        skipped_opt_out=skipped, sample=sample)
    if dry_run:
        return run
    if automation.action is AutomationAction.GRANT_POINTS and automation.budget_approved_at is None:
        run.blocked = "BUDGET_NOT_APPROVED"
        return run
    act = await _action_for(automation, brand, now)
    cursor = 0
    while run.blocked is None:
        rows = await reachable.filter(id__gt=cursor).order_by("id").limit(batch_size).values("id", "name")
        if not rows:
            break
        cursor = rows[-1]["id"]
        await act.prepare(rows)
        for row in rows:
            try:
                outcome = await _fire(automation, row["id"], key, now, act)
            except _Stop as stop:
                run.blocked = stop.reason
                break
            if outcome == "DONE":
                run.fired += 1
            elif outcome is not None:
                run.failed[outcome] = run.failed.get(outcome, 0) + 1
    await Automation.filter(id=automation.id).update(last_run_at=now)
    log.info("automation %s period %s: fired %s", automation.id, key, run.fired)
    return run


async def _fire(automation: Automation, member_id: int, key: str, now: datetime, act: _Action) -> str | None:
    """The outcome for the member (DONE or a reason code), or None when another run fired first."""
    async with events.atomic():
        try:
            async with in_transaction():  # a savepoint: a racing worker's firing may win
                firing = await AutomationFiring.create(brand_id=automation.brand_id, automation_id=automation.id,
                                                       member_id=member_id, period_key=key, fired_at=now)
        except IntegrityError:
            return None
        outcome = await act(member_id, f"automation:{automation.id}:{member_id}:{key}")
        if outcome != "DONE":
            firing.outcome = outcome
            await firing.save(update_fields=["outcome"])
        return outcome


class _Action:
    """One automation's action for one run: what it reads once, per batch, and per member."""

    def __init__(self, automation: Automation, brand: Brand, now: datetime) -> None:
        self.automation, self.brand, self.now = automation, brand, now
        self.params = automation.action_params
        self.values: dict[int, dict] = {}
        self.rules = None

    async def prepare(self, rows: list[dict]) -> None:
        if self.automation.action is AutomationAction.NOTIFY:
            self.values = await messages.values_for(rows, template=self.params["message"], brand_name=self.brand.name,
                                                    timezone=self.brand.timezone, now=self.now)

    async def __call__(self, member_id: int, idempotency_key: str) -> str:
        match self.automation.action:
            case AutomationAction.ISSUE_COUPON:
                try:
                    await issue_coupon_to_member(brand_id=self.brand.id, member_id=member_id,
                                                 template_id=self.params["coupon_template_id"], source="AUTOMATION",
                                                 idempotency_key=idempotency_key, now=self.now, actor=ACTOR)
                except DomainError as error:  # e.g. the member holds the template's limit already
                    return error.code.value
            case AutomationAction.GRANT_POINTS:
                await self._grant(member_id, idempotency_key)
            case AutomationAction.ADD_TAG:
                await MemberTag.bulk_create([MemberTag(
                    brand_id=self.brand.id, member_id=member_id, tag=self.params["tag"], store_id=None,
                    kind=TagKind.AUTOMATION, created_by=f"automation:{self.automation.id}")], ignore_conflicts=True)
            case AutomationAction.NOTIFY:
                text = messages.render(self.params["message"], self.values[member_id])
                await outbox.write([outbox.Draft(
                    brand_id=self.brand.id, member_id=member_id, kind=NOTIFICATION_KIND, unique_key=idempotency_key,
                    channel=NotificationChannel(self.params["channel"]),
                    payload={"text": text, "automationId": str(self.automation.id),
                             "marketing": self.params["marketing"]})], now=self.now)
        return "DONE"

    async def _grant(self, member_id: int, idempotency_key: str) -> None:
        """Within the approved budget: the automation's row lock orders racing grants, so the
        sum granted never passes the budget."""
        points = self.params["points"]
        budget = await Automation.filter(id=self.automation.id).select_for_update().first()
        if budget.budget_approved_at is None:
            raise _Stop("BUDGET_NOT_APPROVED")
        if budget.points_granted + points > budget.points_budget:
            raise _Stop("BUDGET_EXHAUSTED")
        budget.points_granted += points
        await budget.save(update_fields=["points_granted"])
        account = await ledger.lock_account(self.brand.id, member_id)
        await ledger.credit(account, points, kind=LedgerKind.REWARD,
                            expires_at=points_rules.expires_at(self.rules, self.now, self.brand.timezone),
                            move=ledger.Movement(actor=ACTOR, occurred_at=self.now, rule_version=self.rules.version,
                                                 reason=f"automation {self.automation.id}: {self.automation.name}",
                                                 idempotency_key=idempotency_key))


async def _action_for(automation: Automation, brand: Brand, now: datetime) -> _Action:
    act = _Action(automation, brand, now)
    if automation.action is AutomationAction.GRANT_POINTS:
        act.rules = await points_rules.current_rules(brand.id)
    return act
