"""Pages: the gap over time, one round (your prediction, then the gap), the staff link."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.core.charts import line_chart
from earful.perception import selectors, services

READ = Permission.VIEW_DASHBOARDS


@member_required(READ)
def overview(request: HttpRequest) -> HttpResponse:
    organization = request.member.organization  # type: ignore[attr-defined]
    history = selectors.gap_history(organization)
    chart = line_chart(
        [(r.name[:14], report.share_gap.value) for r, report in history],
        title="Perception gap: predicted minus actual share of highly satisfied customers (points)",
        label_every=1,
    )
    context = {"rounds": selectors.list_rounds(organization), "history": history, "chart": chart}
    return render(request, "perception/overview.html", context)


def _save(request: HttpRequest, **who: object) -> str:
    """Records the posted prediction; returns the error to show (blank when saved)."""
    try:
        services.predict(
            score=request.POST.get("score", ""),
            highly_satisfied_pct=request.POST.get("highly_satisfied_pct", ""),
            **who,  # type: ignore[arg-type]
        )
    except services.PerceptionInvalid as exc:
        return "; ".join(message for _, message in exc.errors)
    return ""


@member_required(READ)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    prediction_round = selectors.access_round(member, round_id)
    error = ""
    if request.method == "POST":
        error = _save(request, prediction_round=prediction_round, member=member)
        if not error:
            messages.success(request, "Your prediction is saved; you can change it until it locks.")
            return redirect("perception:round", round_id=round_id)
    context = {
        "round": prediction_round,
        "mine": selectors.own_prediction(prediction_round, member),
        "predictions": selectors.visible_predictions(prediction_round, member),
        "report": selectors.round_gap(prediction_round),
        "error": error,
    }
    return render(request, "perception/round.html", context, status=422 if error else 200)


def staff_link(request: HttpRequest, token: str) -> HttpResponse:
    """Staff without a login predict through their link (no identity beyond the name given)."""
    invite = selectors.invite_by_token(token)
    error, saved = "", False
    if request.method == "POST":
        error = _save(request, prediction_round=invite.round, invite=invite)
        saved = not error
    context = {
        "invite": invite,
        "round": invite.round,
        "error": error,
        "saved": saved,
        "locked": selectors.is_locked(invite.round),
    }
    return render(request, "perception/staff_link.html", context, status=422 if error else 200)
