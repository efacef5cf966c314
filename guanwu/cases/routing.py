"""DESIGN rule 4 / seed 二 (三级负责): who answers a case.

A case involving one section goes to that section's chief; two or more sections of one
division go to the division; two or more divisions go to the centre (咨询服务中心). That is
the lowest common ancestor of the involved units, clamped to section / division / centre.
Attitude and integrity complaints go to the supervision office (监察室, seed 六.二) whatever
their scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Unit

from .enums import SUPERVISION_KINDS, Level


class RoutingError(ValueError):
    """The district lacks a body the rule needs (the centre or the supervision office)."""


@dataclass(frozen=True)
class Route:
    level: str
    responsible_unit: Unit


def lowest_common_ancestor(units: Iterable[Unit]) -> Unit | None:
    paths = [unit.path() for unit in units]
    if not paths:
        return None
    common: Unit | None = None
    for nodes in zip(*paths, strict=False):
        if all(node.pk == nodes[0].pk for node in nodes):
            common = nodes[0]
        else:
            break
    return common


def _body(function: str) -> Unit:
    unit = Unit.objects.filter(function=function).first()
    if unit is None:
        raise RoutingError(
            _("关区尚未设置%(body)s，无法分派。") % {"body": UnitFunction(function).label}
        )
    return unit


def route(kind: str, units: Iterable[Unit]) -> Route:
    """The handling level and the responsible unit for a case of ``kind`` involving ``units``."""
    if kind in SUPERVISION_KINDS:
        return Route(Level.SUPERVISION, _body(UnitFunction.SUPERVISION))
    common = lowest_common_ancestor(list(units))
    if common is None or common.kind == UnitKind.DISTRICT:
        return Route(Level.CENTRE, _body(UnitFunction.CENTRE))
    if common.kind == UnitKind.DIVISION:
        return Route(Level.DIVISION, common)
    return Route(Level.SECTION, common)
