"""The default reply limits (so the office sees and edits them in the admin) and one reply
template per kind. Re-running adds nothing; rows edited by the office are left alone."""

from django.db import migrations

LIMITS = {
    "consultation": (5, "实施方案四.五 限时答复：业务咨询 5 个工作日"),
    "complaint_efficiency": (15, "实施方案四.五 限时答复；《信访工作条例》第三十二条为上限"),
    "complaint_attitude": (15, "实施方案四.五、六.二；监察室办理"),
    "mailbox": (15, "实施方案四.五 限时答复"),
    "suggestion": (15, "实施方案四.五 限时答复"),
    "integrity_report": (30, "实施方案六.二；监察室办理，举报人信息保密"),
}

TEMPLATES = [
    (
        "consultation",
        "业务咨询答复",
        "{name}：\n\n您于 {date} 提交的咨询（查询码 {code}）已收悉。现答复如下：\n\n"
        "（答复内容）\n\n如仍有疑问，可拨打 12360 海关热线或到报关大厅咨询台咨询。\n\n{unit}",
    ),
    (
        "complaint_efficiency",
        "投诉处理结果",
        "{name}：\n\n您于 {date} 提交的投诉（查询码 {code}）已收悉。经调查核实，情况如下：\n\n"
        "（调查情况与处理结果）\n\n感谢您对海关工作的监督。如对处理结果不满意，可在收到答复后"
        "凭查询码进行评价。\n\n{unit}",
    ),
    (
        "complaint_attitude",
        "态度作风投诉处理结果",
        "{name}：\n\n您于 {date} 反映的问题（查询码 {code}）已收悉。经核查：\n\n"
        "（核查情况与处理结果）\n\n感谢您对海关队伍建设的监督。\n\n{unit}",
    ),
    (
        "integrity_report",
        "举报受理与处理情况告知",
        "您于 {date} 提交的举报（查询码 {code}）已受理。经核查：\n\n（核查情况）\n\n"
        "我们将对举报人信息严格保密。感谢您对海关廉政建设的支持。\n\n{unit}",
    ),
    (
        "mailbox",
        "关长信箱答复",
        "{name}：\n\n您给关长的来信（查询码 {code}）已收悉。现答复如下：\n\n（答复内容）\n\n{unit}",
    ),
    (
        "suggestion",
        "意见建议答复",
        "{name}：\n\n感谢您于 {date} 提出的意见建议（查询码 {code}）。我们研究后答复如下：\n\n"
        "（答复内容）\n\n{unit}",
    ),
]


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    ReplyTemplate = apps.get_model("cases", "ReplyTemplate")
    for kind, (days, basis) in LIMITS.items():
        DeadlinePolicy.objects.get_or_create(
            kind=kind, defaults={"working_days": days, "basis": basis}
        )
    for order, (kind, title, body) in enumerate(TEMPLATES):
        ReplyTemplate.objects.get_or_create(
            kind=kind, title=title, defaults={"body": body, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_attachments_replies_notifications")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
