"""Subscribing to the status page: public, no login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from incidents import subscriptions
from incidents.forms import ComponentChoiceForm, SubscribeForm
from notifications import floodgate


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, components = form.cleaned_data["email"], form.cleaned_data["components"]
        # One confirmation per address and choice of components an hour, within the daily and per-client limits;
        # a refusal changes nothing and reads exactly like a success.
        if floodgate.mail_permit(
            request=request,
            purpose="status-subscribe",
            address=email,
            key=floodgate.mail_key(c.pk for c in components),
            repeat_after=floodgate.HOUR,
        ):
            subscriptions.subscriber_subscribe(email=email, components=components, language=translation.get_language() or "en")
        messages.success(request, _("Almost done: we sent you an email. Follow its link to confirm your subscription."))
        return redirect("status:index")
    return render(request, "status/subscribe.html", {"form": form})


@login_not_required
@require_safe
def subscribe_confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriptions.subscriber_confirm(token=token)
    return render(
        request,
        "status/subscription_result.html",
        {
            "subscriber": subscriber,
            "action": "confirm",
            "manage_url": subscriptions.manage_path(subscriber) if subscriber else "",
        },
        status=200 if subscriber else 400,
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The subscriber's own page, reached by the signed link in every mail: what they follow, or stop entirely.

    A GET only shows (mail scanners open links); the forms POST with a CSRF token.
    A forged or expired link changes nothing and says so.
    """
    subscriber = subscriptions.subscriber_for_manage(token=token)
    if subscriber is None:
        return render(request, "status/subscription_result.html", {"subscriber": None, "action": "manage"}, status=400)
    if request.method == "POST" and "unsubscribe" in request.POST:
        subscriptions.subscriber_stop(subscriber=subscriber)
        messages.success(
            request, _("You are unsubscribed: no more status updates will be mailed to %(email)s.") % {"email": subscriber.email}
        )
        return redirect("status:subscription", token=token)
    initial = {"components": [] if subscriber.all_components else list(subscriber.components.all())}
    form = ComponentChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscriptions.subscriber_components_choose(subscriber=subscriber, components=form.cleaned_data["components"])
        messages.success(request, _("Your choice is saved."))
        return redirect("status:subscription", token=token)
    return render(request, "status/subscription.html", {"subscriber": subscriber, "form": form}, status=400 if form.is_bound else 200)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A POST unsubscribes: the mail client's one-click button (RFC 8058) or the button on this page.

    A GET only asks, because link scanners in mail systems open every link of a
    message. No CSRF token: the mail client cannot have one, and the signed
    token in the address is what proves the right to unsubscribe.
    """
    if request.method == "POST":
        subscriber = subscriptions.subscriber_unsubscribe(token=token)
        action = "unsubscribe"
    else:
        subscriber = subscriptions.subscriber_for_unsubscribe(token=token)
        action = "unsubscribe_ask"
    return render(
        request, "status/subscription_result.html", {"subscriber": subscriber, "action": action}, status=200 if subscriber else 400
    )
