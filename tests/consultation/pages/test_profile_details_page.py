"""Who one is, on the profile page: name, organisation, type, country, declared interests."""

import pytest
from django.urls import reverse

from consultation.models import Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Eva van Dijk",
    "organisation": "Dutch Data Protection Authority",
    "expert_type": "public_authority",
    "country": "NL",
    "declared_interests": "None.",
}


def test_the_profile_page_shows_the_profile_form_filled_in(client_for, expert):
    ProfileFactory(user=expert, name="Eva Expert", organisation="Ghent University", country="BE")

    html = client_for(expert).get(reverse("consultation:profile")).content.decode()

    assert 'value="Eva Expert"' in html
    assert 'value="Ghent University"' in html
    assert '<option value="BE" selected>Belgium</option>' in html


def test_saving_the_profile(client_for, expert):
    response = client_for(expert).post(reverse("consultation:profile_details"), DATA)

    assert response.status_code == 302
    profile = Profile.objects.get(user=expert)
    assert (
        profile.name,
        profile.organisation,
        profile.expert_type,
        profile.country.code,
        profile.declared_interests,
    ) == (
        "Eva van Dijk",
        "Dutch Data Protection Authority",
        "public_authority",
        "NL",
        "None.",
    )
    expert.refresh_from_db()
    assert expert.get_full_name() == "Eva van Dijk"


def test_a_bad_profile_is_refused_and_keeps_what_was_typed(client_for, expert):
    response = client_for(expert).post(
        reverse("consultation:profile_details"), {**DATA, "expert_type": "lobby", "name": ""}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Your profile was not saved" in html
    assert 'value="Dutch Data Protection Authority"' in html
    assert not Profile.objects.filter(user=expert).exists()


def test_the_profile_form_needs_a_signed_in_user(client_for):
    response = client_for(None).post(reverse("consultation:profile_details"), DATA)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Profile.objects.exists()
