"""factory_boy factories for the unit tree; one Trait per kind of unit."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

import factory

from guanwu.organization.enums import ContactLineKind, UnitKind
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit


def district() -> Unit:
    """The district root (there can be only one)."""
    existing = Unit.objects.filter(kind=UnitKind.DISTRICT).first()
    return existing or UnitFactory(kind=UnitKind.DISTRICT, parent=None, code="T", name="测试海关")


_legal_users = itertools.count(1)


def legal_reviewer():
    """A member of the legal department (法规处), the only role whose approval publishes."""
    from django.contrib.auth.models import Group

    from guanwu.organization.enums import Role

    user = UserFactory(username=f"legal-{next(_legal_users)}")
    user.groups.add(Group.objects.get(name=Role.LEGAL.group_name))
    return user


def publish(obj, reviewer=None):
    """Publish ``obj`` the way seed data is published: with a recorded legal approval."""
    from guanwu.disclosure.services import content_publish_with_legal_approval

    content_publish_with_legal_approval(obj=obj, reviewer=reviewer or legal_reviewer())
    obj.refresh_from_db()
    return obj


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    live = False  # drafts until published through legal approval (see ``publish``)

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

    live = False  # drafts until published through legal approval (see ``publish``)

    code = factory.Sequence(lambda n: f"T-HALL{n}")
    name = factory.Sequence(lambda n: f"测试报关大厅{n}")
    unit = factory.SubFactory(UnitFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    live = False  # drafts until published through legal approval (see ``publish``)

    unit = factory.SubFactory(UnitFactory, section=True)
    sign_code = factory.Sequence(lambda n: f"A{n:02d}")
    name = "报关单审核窗口"
    services = "报关单审核"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    live = False  # drafts until published through legal approval (see ``publish``)

    work_number = factory.Sequence(lambda n: f"{900000 + n}")
    name = factory.Sequence(lambda n: f"张{n}")
    title = "科员"
    unit = factory.SubFactory(UnitFactory, section=True)


class ContactLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactLine

    live = False  # drafts until published through legal approval (see ``publish``)

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


_item_slugs = itertools.count(1)


def make_item(
    page_class=None,
    *,
    category: int = 2,
    subitem: str | None = "2.1",
    unit: str = "HH-XG-ZHYW",
    title: str = "测试公开事项",
    **fields,
):
    """A draft item under the category page, owned by a demo unit, never published."""
    from guanwu.disclosure.models import CategoryPage, GeneralItemPage, SubItem
    from guanwu.organization.models import Staff, Unit

    page_class = page_class or GeneralItemPage
    owning_unit = Unit.objects.get(code=unit)
    liaison = fields.pop("liaison", None) or Staff.objects.filter(unit=owning_unit).first()
    if page_class is GeneralItemPage:
        fields.setdefault("body", "<p>正文内容：加工贸易手册设立。</p>")
    page = page_class(
        title=title,
        slug=fields.pop("slug", None) or f"t-item-{next(_item_slugs)}",
        owning_unit=owning_unit,
        liaison=liaison,
        subitem=SubItem.objects.get(code=subitem) if subitem else None,
        live=False,
        **fields,
    )
    CategoryPage.objects.get(number=category).add_child(instance=page)
    return page
