import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from consultation.models import (
    Assessment,
    Classification,
    Consultation,
    Criterion,
    Invitation,
    Profile,
    Section,
    Solution,
    SolutionGroup,
)
from consultation.services.members import hash_token

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """allauth signs in only accounts with a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory");
        ``UserFactory(verified_email=False)`` makes one whose address is not verified."""
        if create and obj.email and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email.lower(), defaults={"verified": True, "primary": True}
            )


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    slug = factory.Sequence(lambda n: f"consultation-{n}")
    reference = factory.Sequence(lambda n: f"WK {1000 + n}/2024")
    title = "Detection techniques in encrypted messaging"
    marking = "LIMITE"
    status = "open"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    consultation = factory.SubFactory(ConsultationFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Section {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class SolutionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolutionGroup

    consultation = factory.SubFactory(ConsultationFactory)
    number = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Group {n}")


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution

    consultation = factory.SubFactory(ConsultationFactory)
    group = factory.SubFactory(SolutionGroupFactory, consultation=factory.SelfAttribute("..consultation"))
    code = factory.Sequence(lambda n: f"{n // 26}{chr(97 + n % 26)}")
    title = factory.Sequence(lambda n: f"Solution {n}")
    order = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    consultation = factory.SubFactory(ConsultationFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    question = "How well does it work?"
    order = factory.Sequence(lambda n: n)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    consultation = factory.SubFactory(ConsultationFactory)
    solution = factory.SubFactory(SolutionFactory, consultation=factory.SelfAttribute("..consultation"))
    criterion = factory.SubFactory(CriterionFactory, consultation=factory.SelfAttribute("..consultation"))


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classification

    consultation = factory.SubFactory(ConsultationFactory)
    solution = factory.SubFactory(SolutionFactory, consultation=factory.SelfAttribute("..consultation"))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda p: p.user.get_full_name() or p.user.username.title())
    organisation = "University of Leuven"
    expert_type = "academia"
    country = "BE"
    declared_interests = "None."


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation. Pass ``token="..."`` to know the link's token (only its SHA-256 is stored)."""

    class Meta:
        model = Invitation

    class Params:
        token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    consultation = factory.SubFactory(ConsultationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = "expert"
    token_sha256 = factory.LazyAttribute(lambda o: hash_token(o.token))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(days=14))
