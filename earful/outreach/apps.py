from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "earful.outreach"
    label = "outreach"

    def ready(self) -> None:
        from earful.core.worker_status import register_waiting
        from earful.outreach import handlers  # noqa: F401  (connects the receivers)
        from earful.outreach.models import MessageState, OutboundMessage

        def queued_emails(organization_id: int) -> int:
            queued = OutboundMessage.objects.filter(state=MessageState.QUEUED)
            return queued.filter(organization_id=organization_id).count()

        register_waiting("emails to send", queued_emails)
