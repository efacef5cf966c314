from .catalogue import SubItem
from .items import (
    CategoryPage,
    CommitmentPage,
    DisclosureItemPage,
    FeeItemPage,
    GeneralItemPage,
    IntegrityRulePage,
    ItemAttachment,
    LegalBasisPage,
    LicensingGuidePage,
    NoticePage,
    ProcedurePage,
)
from .review import ContentCheck, LegalApproval, LegalReviewTask, ReminderLog, UnitHeadApprovalTask
from .withheld import WithheldFiling

__all__ = [
    "CategoryPage",
    "CommitmentPage",
    "ContentCheck",
    "DisclosureItemPage",
    "FeeItemPage",
    "GeneralItemPage",
    "IntegrityRulePage",
    "ItemAttachment",
    "LegalApproval",
    "LegalBasisPage",
    "LegalReviewTask",
    "LicensingGuidePage",
    "NoticePage",
    "ProcedurePage",
    "ReminderLog",
    "SubItem",
    "UnitHeadApprovalTask",
    "WithheldFiling",
]
