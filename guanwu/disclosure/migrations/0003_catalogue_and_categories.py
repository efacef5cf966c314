"""Seed 三's sub-item catalogue and the six category pages under the column's home page.

Both are fixed by the seed, so every installation has them, not only the demo district.
"""

from django.db import migrations

SUBITEMS = [
    ("2.1", 2, 1, "税费征收和减免", "海关征收和减免各类税、费的基本规定，办事时限及其法律依据。"),
    ("2.2", 2, 2, "通关管理", "海关对进出境货物、运输工具等进行通关管理的基本规定，办事时限及其法律依据。"),
    ("2.3", 2, 3, "实际监管", "海关对进出境货物、运输工具等进行实际监管的基本规定，办事时限及其法律依据。"),
    ("2.4", 2, 4, "行李、邮递和快件监管", "海关对进出境旅客行李、邮递、快运物品监管基本规定，办事时限及其法律依据。"),
    ("2.5", 2, 5, "加工贸易和保税监管", "海关对加工贸易、保税货物监管的基本规定，办事时限及其法律依据。"),
    ("2.6", 2, 6, "特殊区域监管", "海关对经济技术开发区、保税区、出口加工区等区域监管的基本规定，办事时限及其法律依据。"),
    ("2.7", 2, 7, "企业和报关人员权利义务", "有关进出口经营、运输、递送、港站、仓储、加工、报关等企业及其经营人员、报关人员权利义务的规定及其法律依据。"),
    ("2.8", 2, 8, "知识产权海关保护", "知识产权海关保护的基本规定、扣留侵权嫌疑货物、有关费用的收取标准、侵权货物的处置、收发货人和权利人的权利义务。"),
    ("2.9", 2, 9, "海关统计数据咨询", "海关统计提供数据咨询的范围和形式。"),
    ("3.1", 3, 1, "工作程序", "通关作业和其他职能管理工作程序，包括工作步骤、环节和手续。"),
    ("3.2", 3, 2, "行政审批时限", "行政审批的作业时限，包括法律、行政法规、规章规定的时限和办理有关事情的时间。"),
    ("3.3", 3, 3, "行政性收费", "海关行政性收费项目、标准和依据。"),
    ("4.1", 4, 1, "海关缉私", "海关缉私的职责权限、受案范围、办案程序以及涉案相关人员的权利义务等基本规定及其法律依据。"),
    ("4.2", 4, 2, "海关稽查", "海关稽查的职责权限、作业程序以及相对人的权利义务等基本规定及其法律依据。"),
    ("4.3", 4, 3, "行政复议和国家赔偿", "海关行政复议、国家赔偿的基本规定及其法律依据。"),
    ("4.4", 4, 4, "行政许可", "海关行政许可的项目名称、内容、设立依据、申请条件、申请时应提交的文件、办理程序、时限、收费标准等。"),
    ("4.5", 4, 5, "罚没物品处理", "海关罚没物品的处理程序、方式。"),
    ("4.6", 4, 6, "归类、化验、审价和原产地", "海关归类、化验、审价、原产地审定的职责权限、范围、工作程序及其法律依据。"),
    ("5.1", 5, 1, "执法纪律和廉政勤政", "海关人员行政执法纪律和廉政勤政制度。"),
    ("5.2", 5, 2, "社会监督办法", "社会监督办法，包括举报、投诉的渠道，联络方式，对于署名举报或留有联系方式的举报人，要向举报人反馈查处结果。"),
    ("5.3", 5, 3, "违规违纪处置和责任追究", "海关人员违规违纪的处置措施及责任追究制度。"),
]

CATEGORIES = [
    (1, "organisation", "机构设置", "公开海关各部门机构名称、职责权限、窗口（岗位）标识、举报电话和单位值班电话以及办事人员工号等。"),
    (2, "legal-basis", "执法依据", "公开海关执法的法律依据。"),
    (3, "procedures", "办事程序", "公开法律规定的海关行政程序。"),
    (4, "powers", "执法权限", "公开海关执法权限、应遵守的义务及其法律依据。"),
    (5, "integrity", "廉政纪律", "公开海关廉政纪律和投诉、惩处办法。"),
    (6, "commitments", "对外承诺", "公开海关各项对外承诺。"),
]


def _alphabet_path(number: int) -> str:
    # treebeard's MP_Node alphabet (0-9A-Z), steplen 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while True:
        number, rem = divmod(number, len(alphabet))
        digits = alphabet[rem] + digits
        if number == 0:
            break
    return digits.rjust(4, "0")


def forwards(apps, schema_editor):
    SubItem = apps.get_model("disclosure", "SubItem")
    for code, category, number, short_name, name in SUBITEMS:
        SubItem.objects.update_or_create(
            code=code,
            defaults={"category": category, "number": number, "short_name": short_name, "name": name},
        )

    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("portal.HomePage")
    CategoryPage = apps.get_model("disclosure.CategoryPage")
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    category_type, _ = ContentType.objects.get_or_create(app_label="disclosure", model="categorypage")
    Page = apps.get_model("wagtailcore.Page")
    for number, slug, title, intro in CATEGORIES:
        if CategoryPage.objects.filter(number=number).exists():
            continue
        child_count = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
        CategoryPage.objects.create(
            number=number,
            intro=intro,
            title=title,
            draft_title=title,
            slug=slug,
            content_type=category_type,
            path=home.path + _alphabet_path(child_count + 1),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            locale_id=home.locale_id,
            live=True,
            first_published_at=None,
        )
        Page.objects.filter(pk=home.pk).update(numchild=child_count + 1)


def backwards(apps, schema_editor):
    apps.get_model("disclosure", "CategoryPage").objects.all().delete()
    apps.get_model("disclosure", "SubItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_initial"),
        ("portal", "0002_create_homepage"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
