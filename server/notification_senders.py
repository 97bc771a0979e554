"""Choose each notification channel's sender from the settings (composition root)."""

from __future__ import annotations

from domain.notifications.models import NotificationChannel
from domain.notifications.senders import GatewaySender, Sender, use_channel_senders
from server.settings import Settings


def install_channel_senders(settings: Settings) -> dict[NotificationChannel, Sender]:
    senders: dict[NotificationChannel, Sender] = {}
    for channel, prefix in ((NotificationChannel.SMS, "sms"), (NotificationChannel.WECHAT, "wechat"),
                            (NotificationChannel.APP_PUSH, "app_push")):
        url, secret = getattr(settings, f"{prefix}_gateway_url"), getattr(settings, f"{prefix}_gateway_secret")
        if url and secret:
            senders[channel] = GatewaySender(channel, url, secret)
    use_channel_senders(senders)
    return senders
