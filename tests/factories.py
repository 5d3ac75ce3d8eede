import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone, translation
from django.utils.text import slugify

from accounts.models import User
from enrollment.models import Enrollment, EnrollmentKey, Registration
from hubs.models import Hub, HubMembership, Spoke, SpokeMembership
from series.models import Accreditation, Series
from sessions.models import Presenter, Resource, Session


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"clinician{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    profession = "registered_nurse"
    province = "ON"
    practice_settings = factory.LazyFunction(lambda: ["long_term_care"])
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users made by the factory have a verified primary email, as allauth expects for login."""
        if not create:
            return
        obj.save()
        if extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Demo Hub {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Hub.Kind.REGIONAL
    region = "Northern Ontario"
    province = "ON"


class HubMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HubMembership

    hub = factory.SubFactory(HubFactory)
    user = factory.SubFactory(UserFactory)
    role = HubMembership.Role.MANAGER


class SpokeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spoke

    hub = factory.SubFactory(HubFactory)
    name = factory.Sequence(lambda n: f"Lakeside Long-Term Care Home {n}")
    kind = Spoke.Kind.LONG_TERM_CARE
    province = "ON"


class SpokeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpokeMembership

    spoke = factory.SubFactory(SpokeFactory)
    user = factory.SubFactory(UserFactory)
    status = SpokeMembership.Status.ACTIVE


class InSeriesLanguage:
    """Text given as `title=` lands in the series' own language (title_fr for a French series), as staff enter it
    and as the migration stored it; `title_en=`/`title_fr=` set one language explicitly."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with translation.override(cls._series_language(kwargs)):
            return super()._create(model_class, *args, **kwargs)


class SeriesFactory(InSeriesLanguage, factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    @staticmethod
    def _series_language(kwargs):
        return kwargs.get("language", "en")

    hub = factory.SubFactory(HubFactory)
    title = factory.Sequence(lambda n: f"Community of Practice {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    kind = Series.Kind.COMMUNITY_OF_PRACTICE
    language = "en"
    status = Series.Status.PUBLISHED
    registration_mode = Series.RegistrationMode.OPEN
    summary = "Case-based learning in palliative care."

    @classmethod
    def _create(cls, model_class, *args, credits_per_hour=None, max_credits=None, accreditation_statement="", **kwargs):
        """`credits_per_hour=1, max_credits=12` (or a statement) gives the series a Mainpro+ accreditation."""
        series = super()._create(model_class, *args, **kwargs)
        if credits_per_hour or accreditation_statement:
            AccreditationFactory(
                series=series,
                credits_per_hour=Decimal(str(credits_per_hour or 1)),
                maximum=Decimal(str(max_credits)) if max_credits is not None else None,
                statement_en=accreditation_statement,
            )
        return series


class AccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accreditation

    series = factory.SubFactory(SeriesFactory)
    body = Accreditation.Body.MAINPRO
    credit_type_en = "Certified"
    category_en = "Group Learning"
    credits_per_hour = Decimal("1")
    maximum = Decimal("12")
    statement_en = (
        "This 1-credit-per-hour Group Learning program has been certified by the College of Family Physicians "
        "of Canada for up to 12 Mainpro+ credits."
    )
    statement_fr = (
        "Ce programme d’apprentissage en groupe d’un crédit par heure a été certifié par le Collège des médecins "
        "de famille du Canada pour un maximum de 12 crédits Mainpro+."
    )


class PresenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presenter

    name = factory.Faker("name")
    credentials = "MD, CCFP(PC)"


def _next_noon(days: int) -> dt.datetime:
    import zoneinfo

    eastern = zoneinfo.ZoneInfo("America/Toronto")
    day = timezone.localdate(timezone=eastern) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=eastern)


class SessionFactory(InSeriesLanguage, factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    @staticmethod
    def _series_language(kwargs):
        return kwargs["series"].language

    class Params:
        days_from_now = 14

    series = factory.SubFactory(SeriesFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(lambda o: _next_noon(o.days_from_now))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    join_url = factory.Sequence(lambda n: f"https://zoom.example.org/j/90000{n}")


class ResourceFactory(InSeriesLanguage, factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    @staticmethod
    def _series_language(kwargs):
        return kwargs["session"].series.language

    session = factory.SubFactory(SessionFactory, days_from_now=-7)
    kind = Resource.Kind.RECORDING
    url = "https://video.example.org/recording"
    published_at = factory.LazyFunction(timezone.now)


class EnrollmentKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrollmentKey

    series = factory.SubFactory(SeriesFactory, registration_mode=Series.RegistrationMode.KEY)
    code = factory.Sequence(lambda n: f"KEY{n:04d}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    series = factory.SubFactory(SeriesFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    user = factory.SubFactory(UserFactory)
    session = factory.SubFactory(SessionFactory)


def signup_form(**fields) -> dict[str, str]:
    """What a newcomer types into the sign-up form (allauth's fields and the portal's own), `fields` changed."""
    return {
        "email": "nadia.roy@example.org",
        "first_name": "Nadia",
        "last_name": "Roy",
        "profession": "registered_nurse",
        "province": "NL",
        "preferred_language": "en",
        "password1": "a-long-and-unusual-passphrase",
        **fields,
    }
