"""The second factor in the Wagtail admin: confirm a code, set up an authenticator app,
new recovery codes; and the sign-in security page for office management."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.policy import policy_for

from . import services
from .constants import EventKind
from .forms import CodeForm, RecoveryCodeForm
from .models import SecurityEvent

#: Wrong codes in one session before it is signed out (django-otp slows each one down too).
MAX_CODE_FAILURES = 5
FAILURES_KEY = "abh_otp_failures"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _demo_hint() -> bool:
    return bool(getattr(settings, "ABH_DEMO_SIGN_IN_HINT", False))


@never_cache
def verify(request):
    """Second step of the sign-in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not services.has_second_factor(request.user):
        return redirect(f"{reverse('accounts:setup')}?next={_next_url(request)}")
    recovery = request.GET.get("recovery") == "1" or "recovery" in request.POST
    form_class = RecoveryCodeForm if recovery else CodeForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(
            request=request, token=form.cleaned_data["code"], recovery=recovery
        ):
            request.session.pop(FAILURES_KEY, None)
            if recovery:
                left = StaticToken.objects.filter(device__user=request.user).count()
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(count)d codes are left. If your "
                        "phone is lost, set up the authenticator app again under Account."
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        failures = request.session.get(FAILURES_KEY, 0) + 1
        if failures >= MAX_CODE_FAILURES:
            logout(request)
            messages.error(
                request,
                _("Too many wrong codes. You have been signed out; please sign in again."),
            )
            return redirect("wagtailadmin_login")
        request.session[FAILURES_KEY] = failures
        form.add_error(
            "code",
            _("This code is not valid. Check the time on your phone and try the current code.")
            if not recovery
            else _("This recovery code is not valid or was used before."),
        )
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "recovery": recovery,
            "next": _next_url(request),
            "demo_hint": _demo_hint(),
        },
    )


@never_cache
def setup(request):
    """Set up the authenticator app: scan the QR code, confirm with a code it shows.

    Reached before the back office opens, by every account without a second factor, and
    later from the account page to move to a new phone (then only after the current app
    confirmed this session).
    """
    user = request.user
    if services.has_second_factor(user) and not user.is_verified():
        return redirect(f"{reverse('accounts:verify')}?next={reverse('accounts:setup')}")
    device = services.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "code",
            _("This code is not valid. Check the time on your phone and try the current code."),
        )
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_svg": services.totp_qr_svg(device),
            "secret": services.totp_secret(device),
            "next": _next_url(request),
            "replacing": services.has_second_factor(user),
        },
    )


@never_cache
def recovery_codes(request):
    """New recovery codes (the old ones stop working); shown once."""
    codes = None
    if request.method == "POST":
        codes = services.create_recovery_codes(request=request, user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "left": StaticToken.objects.filter(device__user=request.user).count(),
            "next": reverse("wagtailadmin_account"),
            "first_time": False,
        },
    )


def _require_security_officer(user) -> None:
    if not (user.is_superuser or policy_for(user).is_office_admin):
        raise PermissionDenied


@never_cache
def security(request):
    """Sign-in security for office management: who has a second factor, who is locked out,
    and the security event log."""
    _require_security_officer(request.user)
    from axes.models import AccessAttempt

    user_model = get_user_model()
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True).distinct()
    )
    locked = set(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
        .distinct()
    )
    accounts = [
        {"user": u, "enrolled": u.pk in enrolled, "locked": u.username in locked}
        for u in user_model.objects.filter(is_active=True).order_by("username")
    ]
    query = request.GET.get("q", "").strip()
    events = SecurityEvent.objects.select_related("user")
    if query:
        events = events.filter(username__icontains=query)
    page = Paginator(events, 100).get_page(request.GET.get("p"))
    return render(
        request,
        "accounts/security.html",
        {
            "page_title": _("Sign-in security"),
            "header_icon": "lock",
            "accounts": accounts,
            "page_obj": page,
            "query": query,
        },
    )


@require_POST
def reset_user(request, pk: int):
    """A lost phone: remove the user's second factor (they set up a new one at the next
    sign-in) and lift a lock-out."""
    _require_security_officer(request.user)
    from axes.utils import reset as axes_reset

    target = get_object_or_404(get_user_model(), pk=pk)
    action = request.POST.get("action")
    if action == "second_factor":
        services.reset_second_factor(request=request, user=target)
        messages.success(
            request,
            _(
                "The second factor of %(user)s was removed; they set up a new one at the "
                "next sign-in."
            )
            % {"user": target.get_username()},
        )
    elif action == "unlock":
        axes_reset(username=target.get_username())
        services.record_event(
            EventKind.UNLOCKED,
            request=request,
            user=target,
            detail=f"by {request.user.get_username()}",
        )
        messages.success(
            request, _("%(user)s may sign in again.") % {"user": target.get_username()}
        )
    return redirect("accounts:security")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an account is locked: a clear page, status 429."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if cooloff else None
    return render(
        request,
        "accounts/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
