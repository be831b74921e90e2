"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.outreach import services


@task()
def deliver_message(message_id: int) -> bool:
    return services.send_outbound_message(message_id=message_id)


@task()
def run_journey_triggers(organization_id: int) -> int:
    return services.run_journey_triggers(organization_id=organization_id)


@task()
def mark_invitation_answered(invitation_id: int, response_id: int) -> bool:
    return services.mark_invitation_answered(invitation_id=invitation_id, response_id=response_id)
