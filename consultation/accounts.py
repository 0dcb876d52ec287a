"""How django-allauth fits this project: nobody signs up on their own, only through an invitation."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from consultation.models import InvitationStatus


class AccountAdapter(DefaultAccountAdapter):
    """allauth's behaviour, with sign-up closed except on a valid invitation's page.

    The invitation page (``consultation.views.invitations``) puts the pending
    invitation on the request before it hands over to allauth's sign-up view;
    ``/accounts/signup/`` itself always answers that sign-up is closed.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        invitation = getattr(request, "invitation", None)
        return invitation is not None and invitation.status == InvitationStatus.PENDING
