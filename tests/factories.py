"""factory_boy factories for the unit tree; one Trait per kind of unit."""

from __future__ import annotations

from django.contrib.auth import get_user_model

import factory

from guanwu.organization.enums import ContactLineKind, UnitKind
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit


def district() -> Unit:
    """The district root (there can be only one)."""
    existing = Unit.objects.filter(kind=UnitKind.DISTRICT).first()
    return existing or UnitFactory(kind=UnitKind.DISTRICT, parent=None, code="T", name="测试海关")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T-U{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DIVISION
    parent = factory.LazyAttribute(lambda o: district() if o.kind == UnitKind.DIVISION else None)
    duties = "负责测试事务。"

    class Params:
        section = factory.Trait(
            kind=UnitKind.SECTION,
            parent=factory.SubFactory("tests.factories.UnitFactory"),
            name=factory.Sequence(lambda n: f"测试科{n}"),
        )


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    code = factory.Sequence(lambda n: f"T-HALL{n}")
    name = factory.Sequence(lambda n: f"测试报关大厅{n}")
    unit = factory.SubFactory(UnitFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    unit = factory.SubFactory(UnitFactory, section=True)
    sign_code = factory.Sequence(lambda n: f"A{n:02d}")
    name = "报关单审核窗口"
    services = "报关单审核"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    work_number = factory.Sequence(lambda n: f"{900000 + n}")
    name = factory.Sequence(lambda n: f"张{n}")
    title = "科员"
    unit = factory.SubFactory(UnitFactory, section=True)


class ContactLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactLine

    unit = factory.SubFactory(UnitFactory)
    kind = ContactLineKind.DUTY
    number = factory.Sequence(lambda n: f"022-6100 {n:04d}")
    hours = "24小时"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
