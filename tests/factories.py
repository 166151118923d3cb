"""factory_boy factories for the whole suite."""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from members.models import Member, Membership, Organisation, Province, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("mat-khau-thu-nghiem")


class SecretariatFactory(UserFactory):
    """A staff account in the secretariat's group ("Tổ giúp việc"), as the admin's editors are."""

    class Meta:
        skip_postgeneration_save = True  # the group is added by the hook itself

    is_staff = True

    @factory.post_generation
    def secretariat_group(user, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        from council.shared.permissions import SECRETARIAT_GROUP

        if create:
            user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tỉnh {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name) or f"tinh-{o.order}")
    order = factory.Sequence(lambda n: n)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Sở Thông tin và Truyền thông {n}")
    kind = Organisation.Kind.PROVINCIAL_DEPARTMENT
    province = factory.SubFactory(ProvinceFactory)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    slug = factory.Sequence(lambda n: f"nguyen-van-{n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Giám đốc Sở Thông tin và Truyền thông"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    role = Membership.Role.MEMBER
    started_on = datetime.date(2016, 1, 1)


# --- Meetings and notices (meeting notices feature) --------------------------------------------

from datetime import timedelta  # noqa: E402

from meetings.models import Meeting, Notice  # noqa: E402


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Phiên họp thường niên lần {n}")
    slug = factory.Sequence(lambda n: f"phien-hop-{n}")
    year = factory.LazyAttribute(lambda o: timezone.localtime(o.starts_at).year)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=30))
    venue = "Khách sạn Hoàng Anh Gia Lai, Pleiku"
    host_province = factory.SubFactory(ProvinceFactory, name="Gia Lai", slug="gia-lai")
    status = Meeting.Status.PLANNED


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    meeting = factory.SubFactory(MeetingFactory)
    kind = Notice.Kind.INVITATION
    subject = factory.LazyAttribute(lambda o: f"Giấy mời: {o.meeting.title}")
    body = "Tổ giúp việc trân trọng kính mời Ông/Bà tham dự phiên họp."


from council.models import Article, Category  # noqa: E402


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = "Tin Hội đồng"
    slug = "tin-hoi-dong"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Tin số {n}")
    slug = factory.Sequence(lambda n: f"tin-so-{n}")
    summary = "Tóm tắt"
    body = "<p>Nội dung</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    category = factory.SubFactory(CategoryFactory)


# --- Polls ---------------------------------------------------------------------------


class PollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "polls.Poll"

    question = factory.Sequence(lambda n: f"Câu hỏi thăm dò số {n}?")
    slug = factory.Sequence(lambda n: f"cau-hoi-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "polls.Choice"

    poll = factory.SubFactory(PollFactory)
    text = factory.Sequence(lambda n: f"Phương án {n}")
    order = factory.Sequence(lambda n: n)


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "polls.Vote"

    choice = factory.SubFactory(ChoiceFactory)
    poll = factory.SelfAttribute("choice.poll")
    voter_key = factory.Sequence(lambda n: f"guest:factory-{n}")


def poll_with_choices(*texts: str, **poll_fields):
    """A poll and its choices, in order: `poll, [choice, ...]`."""
    poll = PollFactory(**poll_fields)
    return poll, [ChoiceFactory(poll=poll, text=text, order=i) for i, text in enumerate(texts)]


def png_bytes(size: tuple[int, int] = (60, 40)) -> bytes:
    """A small real PNG, for photos whose thumbnails are made."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def enrol_totp(user):
    """An authenticator app for `user` (a confirmed TOTP device), as `enrol_two_factor` makes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second steps later)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
