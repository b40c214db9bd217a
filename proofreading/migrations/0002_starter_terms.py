"""A small starter word list, for publishers to extend in the admin.

Each entry was checked not to flag the shipped 2021 report
(content/2021/articles/000_7cfd02887c454dd1.txt). Dissolved districts (江干区)
are not listed: the checker derives them from the districts' dissolution dates.
Migrating back removes these entries (by kind and text) and leaves publishers' own.
"""

import datetime as dt

from django.db import migrations

HIGH, LOW = "high", "low"
CORRECTION, BANNED, OUTDATED = "correction", "banned", "outdated"
ADVERTISING_LAW = "《广告法》第九条第三项：广告不得使用“国家级”“最高级”“最佳”等用语。"

STARTER_TERMS = [
    # Standard political formulations.
    {
        "kind": CORRECTION,
        "wrong": "党史教育学习",
        "right": "党史学习教育",
        "severity": HIGH,
        "note": "中央统一的提法是“党史学习教育”，不要颠倒。",
    },
    {
        "kind": CORRECTION,
        "wrong": "党史学习和教育",
        "right": "党史学习教育",
        "severity": LOW,
        "note": "规范提法是“党史学习教育”，中间不加“和”。",
    },
    {
        "kind": CORRECTION,
        "wrong": "习近平中国特色社会主义思想",
        "right": "习近平新时代中国特色社会主义思想",
        "severity": HIGH,
        "note": "规范全称是“习近平新时代中国特色社会主义思想”，不能漏掉“新时代”。",
    },
    # Titles of officials and of governments.
    {
        "kind": CORRECTION,
        "wrong": "国家总理",
        "right": "国务院总理",
        "severity": HIGH,
        "note": "我国的职务名称是“国务院总理”。",
    },
    {
        "kind": CORRECTION,
        "wrong": "台湾总统",
        "right": "台湾地区领导人",
        "severity": HIGH,
        "note": "台湾是中国的一部分，不能称“总统”，应写“台湾地区领导人”。",
    },
    {
        "kind": CORRECTION,
        "wrong": "香港政府",
        "right": "香港特别行政区政府",
        "severity": HIGH,
        "note": "应称“香港特别行政区政府”或“香港特区政府”。",
    },
    {
        "kind": CORRECTION,
        "wrong": "澳门政府",
        "right": "澳门特别行政区政府",
        "severity": HIGH,
        "note": "应称“澳门特别行政区政府”或“澳门特区政府”。",
    },
    # Place names.
    {
        "kind": CORRECTION,
        "wrong": "肖山区",
        "right": "萧山区",
        "severity": HIGH,
        "note": "地名用“萧”，“肖”不能代替。",
    },
    {
        "kind": OUTDATED,
        "wrong": "下城区",
        "right": "原下城区",
        "severity": HIGH,
        "outdated_from": dt.date(2021, 4, 9),
        "note": "2021年4月9日起，下城区与原拱墅区撤销，设立新的拱墅区；此后提到它应写作“原下城区”。",
    },
    # Common mis-writings.
    {
        "kind": CORRECTION,
        "wrong": "再接再励",
        "right": "再接再厉",
        "severity": HIGH,
        "note": "“厉”同“砺”，磨快；不写作“励”。",
    },
    {"kind": CORRECTION, "wrong": "贯澈", "right": "贯彻", "severity": HIGH, "note": ""},
    {"kind": CORRECTION, "wrong": "迫不急待", "right": "迫不及待", "severity": HIGH, "note": ""},
    {"kind": CORRECTION, "wrong": "一股作气", "right": "一鼓作气", "severity": HIGH, "note": ""},
    # Banned terms.
    {
        "kind": BANNED,
        "wrong": "残废人",
        "right": "残疾人",
        "severity": HIGH,
        "note": "带歧视色彩的称呼，不得使用，应写“残疾人”。",
    },
    # Absolute terms (advertising law): flagged, not blocked, as news may use
    # them of formal designations; those are listed as exceptions.
    {
        "kind": BANNED,
        "wrong": "国家级",
        "right": "",
        "severity": LOW,
        "note": ADVERTISING_LAW + "正式称号（如国家级高新区）可以使用；用作自夸时请改写。",
        "exceptions": "\n".join(
            [
                "国家级高新区",
                "国家级高新技术产业开发区",
                "国家级经济技术开发区",
                "国家级新区",
                "国家级非物质文化遗产",
                "国家级非遗",
                "国家级自然保护区",
                "国家级风景名胜区",
                "国家级旅游度假区",
            ]
        ),
    },
    {
        "kind": BANNED,
        "wrong": "最高级",
        "right": "",
        "severity": LOW,
        "note": ADVERTISING_LAW,
        "exceptions": "最高级别",
    },
    {
        "kind": BANNED,
        "wrong": "最佳",
        "right": "",
        "severity": LOW,
        "note": ADVERTISING_LAW + "用于宣传产品、服务或地方时请改写。",
    },
    {
        "kind": BANNED,
        "wrong": "第一品牌",
        "right": "",
        "severity": LOW,
        "note": "《广告法》禁止的绝对化用语；确有依据的排名请写明出处。",
    },
    {
        "kind": BANNED,
        "wrong": "顶级",
        "right": "",
        "severity": LOW,
        "note": "《广告法》禁止的绝对化用语，请改写。",
    },
    {
        "kind": BANNED,
        "wrong": "史上最",
        "right": "",
        "severity": LOW,
        "note": "绝对化用语，请改写。",
    },
]


def add_starter_terms(apps, schema_editor):
    Term = apps.get_model("proofreading", "Term")
    for entry in STARTER_TERMS:
        values = {"exceptions": "", "outdated_from": None, **entry}
        kind, wrong = values.pop("kind"), values.pop("wrong")
        Term.objects.get_or_create(kind=kind, wrong=wrong, defaults=values)


def remove_starter_terms(apps, schema_editor):
    Term = apps.get_model("proofreading", "Term")
    for entry in STARTER_TERMS:
        Term.objects.filter(kind=entry["kind"], wrong=entry["wrong"]).delete()


class Migration(migrations.Migration):
    dependencies = [("proofreading", "0001_initial")]

    operations = [migrations.RunPython(add_starter_terms, remove_starter_terms)]
