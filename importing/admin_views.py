"""The admin's 导入稿件 page: editors who never use a shell import article files
(.txt, .docx) by dropping them on a form.

1. Upload: the files go to a private folder of their own under a random token
   kept in the uploader's session; the import runs as `import_articles
   --dry-run` would and the page shows what each file would become.
2. Confirm: the same files are imported for real with the same options, and
   the folder is deleted. A token belongs to one user's session and expires.

District editors import drafts only, of their own districts: an article whose
file names no district is filed under theirs, and a file that would file an
article elsewhere, or rewrite an article outside their districts, fails.

The page belongs to the article admin (admin:articles_article_import), but
articles sits below importing in the layers, so `add_import_url` adds it to
the article admin's URLs from this side (importing.apps).
"""

import dataclasses
import datetime as dt
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from functools import partial
from pathlib import Path, PurePosixPath

import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Byline, Campaign
from audit.log import Action, Outcome, record
from core.admin.forms import MultipleFileField
from core.admin.widgets import TagAutocompleteWidget
from core.models import Tag
from core.status import Status
from core.tagging import parse_tags
from districts.models import normalize_district_label
from districts.scoping import (
    district_choice_error,
    limit_to_own_districts,
    own_district_ids,
    own_districts,
    sees_all_districts,
)

from .importer import Importer, district_index
from .report import CONFLICT, CREATED, FAILED, UNCHANGED, UPDATED, ImportOptions
from .word import DOCX_SUFFIX

ADD_PERMISSION = "articles.add_article"
PUBLISH_PERMISSION = "articles.publish_article"
SUFFIXES = (".txt", DOCX_SUFFIX)
# Files per upload. Django refuses a request with more than
# DATA_UPLOAD_MAX_NUMBER_FILES (100 unless set) with a bare 400 before the form
# can say why, so the limit is at most that, and the page's script counts the
# files before sending.
MAX_FILES = 200
UPLOAD_LIFETIME = 3600  # seconds an upload waits for its confirmation
SESSION_KEY = "article_imports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
CLAIMED = ".claimed"  # a folder being imported (see _claim)
NAME_LENGTH = 120

ACTION_LABELS = {
    CREATED: "新建",
    UPDATED: "更新",
    UNCHANGED: "不变",
    CONFLICT: "冲突",
    FAILED: "失败",
}
DONE_LABELS = {**ACTION_LABELS, CREATED: "已新建", UPDATED: "已更新", CONFLICT: "冲突，未导入"}
# Byline kinds the model may not know (yet): photographers' bylines.
EXTRA_BYLINE_KINDS = {"photographer": "摄影", "photo": "摄影"}


def max_files():
    return min(MAX_FILES, settings.DATA_UPLOAD_MAX_NUMBER_FILES or MAX_FILES)


def upload_root():
    """Where uploads wait: outside MEDIA_ROOT, which the web server serves.
    IMPORT_UPLOAD_DIR points several app servers at one shared folder."""
    configured = getattr(settings, "IMPORT_UPLOAD_DIR", "")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "hzcms-imports"


def private_root():
    """The upload root, made if need be, readable by this user alone. In a
    shared /tmp someone else could have made it first (or a link by its name):
    then nothing is written there."""
    root = upload_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = root.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        raise ImproperlyConfigured(f"{root} is not a folder of this user's (IMPORT_UPLOAD_DIR)")
    if info.st_mode & 0o077:
        root.chmod(0o700)
    return root


def add_import_url(model_admin):
    """Put the import page first among `model_admin`'s URLs (before its
    catch-all object URLs), and its button on the list."""
    if getattr(model_admin, "_import_url_added", False):
        return
    get_urls = model_admin.get_urls

    def get_urls_with_import():
        view = model_admin.admin_site.admin_view(partial(import_articles, model_admin=model_admin))
        return [path("import/", view, name="articles_article_import"), *get_urls()]

    model_admin.get_urls = get_urls_with_import
    # Its 导入稿件 button; the template extends the one it replaces.
    model_admin.change_list_template = "admin/articles/article/change_list.html"
    model_admin._import_url_added = True


# The form


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="稿件文件",
        empty_message="请选择要导入的稿件文件。",
        max_files=max_files,
        check_each=False,
    )
    status = forms.ChoiceField(
        label="新稿件状态",
        choices=[(Status.DRAFT, "草稿"), (Status.PUBLISHED, "已发布")],
        initial=Status.DRAFT,
        required=False,  # not sent: a draft
        help_text="已有的稿件重新导入时保持原来的状态。",
    )
    campaign = forms.ModelChoiceField(
        label="所属专题",
        queryset=Campaign.objects.order_by("-year", "title"),
        required=False,
        empty_label="（不归入专题）",
    )
    tags = forms.CharField(
        label="标签",
        required=False,
        max_length=500,
        widget=TagAutocompleteWidget,
        help_text="给每篇导入的稿件加上这些标签；多个标签用逗号、顿号分隔。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update(
            {"accept": ",".join(SUFFIXES), "data-max-files": max_files()}
        )
        self.fields["files"].help_text = (
            f"文本文件（.txt，最大 {_megabytes(settings.IMPORT_MAX_BYTES)}）或 Word 文件"
            f"（.docx，最大 {_megabytes(settings.IMPORT_MAX_WORD_BYTES)}），"
            f"一次最多 {max_files()} 个。可多选，也可以把文件拖到这里。"
        )
        if not user.has_perm(PUBLISH_PERMISSION):
            # Only publishers put anything online.
            del self.fields["status"]

    def clean_tags(self):
        names = parse_tags(self.cleaned_data["tags"])
        limit = Tag._meta.get_field("name").max_length
        if too_long := [name for name in names if len(name) > limit]:
            raise ValidationError(f"标签“{too_long[0][:20]}”超过 {limit} 个字。")
        return names

    def options(self, dry_run):
        return ImportOptions(
            status=self.cleaned_data.get("status") or Status.DRAFT,
            campaign=self.cleaned_data["campaign"],
            tags=tuple(self.cleaned_data["tags"]),
            dry_run=dry_run,
        )


def _megabytes(size):
    return f"{size / (1024 * 1024):g} MB"


# The view


def import_articles(request, model_admin):
    if not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, model_admin)
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    if posted and form.is_valid():
        return _preview(request, model_admin, form)
    return _render(request, model_admin, "upload.html", "导入稿件", form=form)


def _preview(request, model_admin, form):
    root = private_root()
    _sweep(root)
    token = secrets.token_urlsafe(16)
    folder = root / token
    folder.mkdir(mode=0o700)
    files = form.cleaned_data["files"]
    uploads = [_save_upload(folder, number, upload) for number, upload in enumerate(files)]
    options = form.options(dry_run=True)
    rows = _dry_run(request.user, folder, uploads, options)
    _link_articles(rows)
    _label(rows, ACTION_LABELS)
    _remember(request, token, uploads, form)
    importable = sum(row["action"] in (CREATED, UPDATED) for row in rows) + (
        sum(row["action"] == UNCHANGED for row in rows) if options.tags or options.campaign else 0
    )
    return _render(
        request,
        model_admin,
        "preview.html",
        "导入稿件：预览",
        rows=rows,
        token=token,
        importable=importable,
        summary=_summary(rows, ACTION_LABELS),
        options=_describe_options(options),
    )


def _confirm(request, model_admin):
    token = request.POST["token"]
    entry = _take(request, token)
    folder = _claim(token) if entry is not None else None
    if folder is None:
        messages.error(request, "这批文件已经导入、已取消或已过期（超过一小时），请重新上传。")
        return redirect("admin:articles_article_import")
    try:
        if "cancel" in request.POST:
            messages.info(request, "已取消导入，上传的文件已删除。")
            return redirect("admin:articles_article_import")
        options = _options_from(entry["options"], dry_run=False)
        rows = _import(request.user, folder, entry["uploads"], options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _audit(rows)
    _label(rows, DONE_LABELS)
    done = sum(row["action"] in (CREATED, UPDATED) for row in rows)
    failed = sum(row["action"] == FAILED for row in rows)
    if done:
        messages.success(request, f"已导入 {done} 篇稿件。")
    if failed:
        messages.error(request, f"{failed} 个文件未能导入，原因见下表；其他文件不受影响。")
    return _render(
        request,
        model_admin,
        "result.html",
        "导入稿件：结果",
        rows=rows,
        summary=_summary(rows, DONE_LABELS),
    )


def _render(request, model_admin, template, title, **context):
    opts = model_admin.opts
    form = context.get("form")
    media = model_admin.media + form.media if form is not None else model_admin.media
    return TemplateResponse(
        request,
        f"admin/importing/{template}",
        {
            **model_admin.admin_site.each_context(request),
            "opts": opts,
            "title": title,
            "media": media,
            "district_editor": not sees_all_districts(request.user),
            **context,
        },
    )


# Uploaded files


def safe_name(name):
    """The file name to keep of what the browser sent: its last part, printable,
    not hidden, not too long, with its suffix in lower case."""
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name[:NAME_LENGTH] or "未命名"
    suffix = "." + suffix.lower()
    return stem[: NAME_LENGTH - len(suffix)] + suffix


def _save_upload(folder, number, upload):
    """Store one upload as folder/NNN/<name>: the name is the uploader's (it is
    what the article's 导入文件名 keeps), the folder is ours. Returns
    {"name", "file", "message"}; "file" is None for a file refused unread,
    "message" says why (in Chinese)."""
    name = safe_name(upload.name)
    suffix = Path(name).suffix
    entry = {"name": name, "file": None, "message": ""}
    if suffix not in SUFFIXES:
        entry["message"] = "只能导入文本文件（.txt）或 Word 文件（.docx）。"
        return entry
    limit = settings.IMPORT_MAX_WORD_BYTES if suffix == DOCX_SUFFIX else settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        entry["message"] = f"文件太大（{_megabytes(upload.size)}），上限是 {_megabytes(limit)}。"
        return entry
    place = folder / f"{number:03d}"
    place.mkdir(mode=0o700)
    with open(place / name, "xb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    entry["file"] = f"{number:03d}/{name}"
    return entry


def _paths(folder, uploads):
    """The stored files of `uploads`, as paths the importer reads; each checked
    to lie inside the folder (the session says where, but still)."""
    paths = {}
    base = folder.resolve()
    for number, upload in enumerate(uploads):
        if upload["file"] is None:
            continue
        place = (folder / upload["file"]).resolve()
        if place.parent.parent == base and place.is_file():
            paths[number] = place
    return paths


def _claim(token):
    """Move the upload's folder aside for the one request importing it: a
    second request with the same token (a double click, a resent form) finds
    nothing there, even before the session forgets the token."""
    folder = upload_root() / token
    claimed = folder.with_name(token + CLAIMED)
    try:
        os.rename(folder, claimed)
    except OSError:
        return None
    return claimed


def _sweep(root):
    """Delete upload folders nobody confirmed or cancelled in time."""
    stale = time.time() - UPLOAD_LIFETIME
    for folder in root.iterdir():
        try:
            token = folder.name.removesuffix(CLAIMED)
            if _TOKEN.match(token) and folder.stat().st_mtime < stale:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # swept by another worker meanwhile


# The session's record of uploads


def _remember(request, token, uploads, form):
    entries = _live_entries(request)
    campaign = form.cleaned_data["campaign"]
    entries[token] = {
        "user": request.user.pk,
        "created": time.time(),
        "uploads": uploads,
        "options": {
            "status": form.cleaned_data.get("status") or Status.DRAFT,
            "campaign": campaign.pk if campaign else None,
            "tags": form.cleaned_data["tags"],
        },
    }
    request.session[SESSION_KEY] = entries


def _take(request, token):
    """The upload `token` names, removed from the session: one confirmation per
    upload. None unless it is this user's and still fresh."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    entries = _live_entries(request)
    entry = entries.pop(token, None)
    request.session[SESSION_KEY] = entries
    if entry is None or entry.get("user") != request.user.pk:
        return None
    return entry


def _live_entries(request):
    """This session's uploads that have not expired; the folders of the
    expired ones are deleted."""
    entries = request.session.get(SESSION_KEY)
    if not isinstance(entries, dict):
        return {}
    fresh = time.time() - UPLOAD_LIFETIME
    for token in [t for t, e in entries.items() if e.get("created", 0) < fresh]:
        del entries[token]
        if _TOKEN.match(token):
            shutil.rmtree(upload_root() / token, ignore_errors=True)
    return entries


def _options_from(saved, dry_run):
    campaign = Campaign.objects.filter(pk=saved.get("campaign")).first()
    return ImportOptions(
        status=saved.get("status", Status.DRAFT),
        campaign=campaign,
        tags=tuple(saved.get("tags", ())),
        dry_run=dry_run,
    )


# Running the importer


def _dry_run(user, folder, uploads, options):
    """What importing `uploads` would do, one row per upload; writes nothing
    (rolled back besides, like the command's --dry-run)."""
    paths = _paths(folder, uploads)
    with transaction.atomic():
        results = _run(paths, dataclasses.replace(options, dry_run=True))
        transaction.set_rollback(True)
    rows = [_row(upload, results.get(n)) for n, upload in enumerate(uploads)]
    _check_scope(user, rows, options)
    return rows


def _import(user, folder, uploads, options):
    """Import `uploads` for real. A district editor's out-of-scope files are
    found by a dry run first (the database may have changed since the preview)
    and left out; each file is written whole or not at all."""
    paths = _paths(folder, uploads)
    refused = {}
    if not sees_all_districts(user):
        checked = _dry_run(user, folder, uploads, options)
        refused = {n: row for n, row in enumerate(checked) if row["refused"]}
    results = _run({n: p for n, p in paths.items() if n not in refused}, options)
    rows = []
    for number, upload in enumerate(uploads):
        row = refused.get(number) or _row(upload, results.get(number))
        rows.append(row)
    _record_importer(user, rows)
    _link_articles(rows)
    return rows


def _run(paths, options):
    """The importer's result for each upload number in `paths`."""
    if not paths:
        return {}
    numbers = {str(place): number for number, place in paths.items()}
    report = Importer(options, keep_results=True).run(list(paths.values()))
    return {numbers[result.path]: result for result in report.results if result.path in numbers}


def _row(upload, result):
    """One line of the table: the upload's name and what came of it."""
    row = {
        "name": upload["name"],
        "action": FAILED,
        "title": "",
        "kicker": "",
        "subtitle": "",
        "published": "",
        "source": "",
        "bylines": [],
        "paragraphs": None,
        "districts": [],
        "warnings": [],
        # Why a file failed or is a conflict: "message" in Chinese is what the
        # page shows; "reason" is the importer's English, as the command has it.
        # An upload remembered before "message" was its key still has "reason".
        "message": upload.get("message") or upload.get("reason", ""),
        "reason": "",
        "slug": "",
        "change_url": "",
        "refused": False,
    }
    if result is None:
        row["message"] = row["message"] or "文件未能保存，请重新上传。"
        return row
    preview = result.preview or {}
    row.update(
        action=result.action,
        title=result.title,
        kicker=preview.get("kicker") or "",
        subtitle=preview.get("subtitle") or "",
        published=_published(preview) if preview else "",
        source=preview.get("source") or "",
        bylines=_bylines(preview.get("bylines") or []),
        paragraphs=preview.get("paragraphs"),
        districts=list(preview.get("districts") or []),
        warnings=[str(warning) for warning in result.warnings],
        slug=result.slug,
    )
    if result.action == FAILED:
        # The importer's Chinese message (its English reason if it gave none).
        where = f"第 {result.line} 行" if result.line else "文件"
        row["reason"] = result.reason
        row["message"] = f"无法导入（{where}）：{result.message or result.reason}"
    elif result.action == CONFLICT:
        row["reason"] = result.reason
        row["message"] = _conflict_message(result)
    return row


def _published(preview):
    value = preview.get("published_at")
    if not value:
        return "日期不详"
    try:
        when = timezone.localtime(dt.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    return f"{when:%Y-%m-%d %H:%M}" if preview.get("time_known", True) else f"{when:%Y-%m-%d}"


def _bylines(bylines):
    """[(kind label, "记者 张三、李四")], kinds in the order they first appear."""
    labels = {**EXTRA_BYLINE_KINDS, **dict(Byline.Kind.choices)}
    grouped = {}
    for byline in bylines:
        kind, role, name = [*byline, "", "", ""][:3]
        grouped.setdefault(labels.get(kind, kind or "署名"), []).append(f"{role} {name}".strip())
    return [(label, "、".join(names)) for label, names in grouped.items()]


def _conflict_message(result):
    """The admin's own words for a conflict: the importer's message offers
    --force, which the page has not."""
    if "edited since its import" in result.reason:
        return f"稿件“{result.title}”导入后已被编辑修改过；为保留这些修改，这个文件没有导入。"
    return (
        f"已有同标题的稿件“{result.title}”，但文件或稿件缺少来源或发布时间，"
        "无法确定是不是同一篇，这个文件没有导入。请补全文件的来源和发布时间。"
    )


def _check_scope(user, rows, options):
    """Mark the files a district editor may not import as failed, with why:
    articles filed under districts not theirs, or existing articles outside
    their districts that the import would rewrite."""
    if sees_all_districts(user):
        return
    index = district_index()
    writes_unchanged = bool(options.tags or options.campaign)
    slugs = [row["slug"] for row in rows if row["slug"] and row["action"] != CREATED]
    in_scope = set(
        limit_to_own_districts(
            Article.objects.filter(slug__in=slugs), user, "districts"
        ).values_list("slug", flat=True)
    )
    for row in rows:
        if row["action"] in (CREATED, UPDATED):
            named = {
                index[label].pk: index[label]
                for label in map(normalize_district_label, row["districts"])
                if label in index
            }
            if named and (error := district_choice_error(user, named.values(), what="稿件")):
                _refuse(row, error)
                continue
        writes = row["action"] == UPDATED or (row["action"] == UNCHANGED and writes_unchanged)
        if writes and row["slug"] not in in_scope:
            _refuse(row, f"已有的稿件“{row['title']}”不属于您负责的城区，不能通过导入修改。")


def _refuse(row, message):
    row.update(action=FAILED, message=message, refused=True, slug="")


def _record_importer(user, rows):
    """Who imported: each written article's last editor, a version in its
    history saying so, and, for a district editor's article that names none
    of their districts, a link to them."""
    done = {row["slug"]: row for row in rows if row["action"] in (CREATED, UPDATED)}
    if not done:
        return
    districts = [] if sees_all_districts(user) else list(own_districts(user))
    own = set() if sees_all_districts(user) else own_district_ids(user)
    with transaction.atomic():
        Article.objects.filter(slug__in=done).update(last_edited_by=user)
        for article in Article.objects.filter(slug__in=done).prefetch_related("districts"):
            row = done[article.slug]
            # The import links an article to the districts its file names
            # (an update replaces the links): a district editor keeps sight of it.
            if districts and not own & {d.pk for d in article.districts.all()}:
                article.districts.add(*districts)
            if row["action"] == CREATED:
                with reversion.create_revision():
                    reversion.set_user(user)
                    reversion.set_comment(f"导入：{row['name']}")
                    reversion.add_to_revision(article)
            else:
                # The importer keeps the replaced text as a version ("导入更新：…");
                # it cannot know who ran it.
                version = Version.objects.get_for_object(article).select_related("revision").first()
                if version is not None and version.revision.user_id is None:
                    type(version.revision).objects.filter(pk=version.revision_id).update(user=user)


def _audit(rows):
    """One entry per import, as the command writes: which files, what came of it."""
    failed = [
        f"{row['name']}：{row['message'] or row['reason']}"
        for row in rows
        if row["action"] == FAILED
    ]
    detail = f"后台导入：{'、'.join(row['name'] for row in rows)[:1000]}\n结果：" + "，".join(
        f"{label} {count}" for label, count in _summary(rows, ACTION_LABELS)
    )
    if failed:
        detail += "\n失败：\n" + "\n".join(failed[:20])
    record(Action.IMPORT, outcome=Outcome.FAILURE if failed else Outcome.SUCCESS, detail=detail)


def _label(rows, labels):
    for row in rows:
        row["label"] = labels[row["action"]]


def _summary(rows, labels):
    counts = {action: 0 for action in labels}
    for row in rows:
        counts[row["action"]] += 1
    return [(labels[action], count) for action, count in counts.items() if count]


def _describe_options(options):
    described = [("新稿件状态", "已发布" if options.status == Status.PUBLISHED else "草稿")]
    if options.campaign is not None:
        described.append(("所属专题", str(options.campaign)))
    if options.tags:
        described.append(("标签", "、".join(options.tags)))
    return described


def _link_articles(rows):
    """Give each row whose file is (or would be) an existing article the
    address of its change page."""
    slugs = {row["slug"] for row in rows if row["slug"]}
    ids = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    for row in rows:
        if row["slug"] in ids:
            row["change_url"] = reverse("admin:articles_article_change", args=[ids[row["slug"]]])
