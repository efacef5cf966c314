"""Structured blocks for item fields that are lists (steps, checklists, fee tables)."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("环节"), max_length=100)
    description = blocks.TextBlock(label=_("办理说明"), required=False)
    time_limit = blocks.CharBlock(label=_("本环节时限"), required=False, max_length=50)

    class Meta:
        icon = "list-ol"
        label = _("办理环节")


class DocumentBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("材料名称"), max_length=200)
    copies = blocks.IntegerBlock(label=_("份数"), min_value=1, default=1)
    original = blocks.BooleanBlock(label=_("需提供原件"), required=False)
    note = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("申请材料")


class FeeBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("收费项目"), max_length=100)
    standard = blocks.CharBlock(label=_("收费标准"), max_length=200)
    basis = blocks.CharBlock(label=_("收费依据"), required=False, max_length=200)

    class Meta:
        icon = "tag"
        label = _("收费")


STEPS = [("step", StepBlock())]
DOCUMENTS = [("document", DocumentBlock())]
FEES = [("fee", FeeBlock())]
CONDITIONS = [("condition", blocks.CharBlock(label=_("申请条件"), max_length=500))]
