"""`{% worker_banner organization_id %}`: the banner on staff pages when no worker runs."""

from __future__ import annotations

from typing import Any

from django import template

from earful.core.worker_status import worker_absence

register = template.Library()


@register.inclusion_tag("core/_worker_banner.html")
def worker_banner(organization_id: int) -> dict[str, Any]:
    return {"absence": worker_absence(organization_id)}
