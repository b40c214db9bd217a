"""Articles, programmes and campaigns share one publishing admin
(core.admin.publishable): the same actions, versions, audit entries, preview
link and publisher-only status field."""

import pytest
from reversion.models import Version

from articles.models import Article, Campaign, Programme
from audit.models import Action, AuditEntry
from core.status import Status
from tests.admin_helpers import admin_url, login_as

KINDS = {
    "article": lambda: Article.objects.get(),
    "programme": lambda: Programme.objects.get(slug="wu-xue-wu-zheng"),
    "campaign": lambda: Campaign.objects.get(),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_publisher_takes_down_and_republishes_from_the_list(client, content, kind):
    login_as(client, "publisher")
    obj = KINDS[kind]()
    changelist = admin_url(obj, "changelist")

    response = client.post(
        changelist, {"action": "unpublish_selected", "_selected_action": [obj.pk]}, follow=True
    )
    obj.refresh_from_db()
    assert obj.status == Status.UNPUBLISHED and not obj.is_public
    assert "已撤下 1" in response.content.decode()
    assert client.get(obj.get_absolute_url()).status_code == 404

    client.post(changelist, {"action": "publish_selected", "_selected_action": [obj.pk]})
    obj.refresh_from_db()
    assert obj.status == Status.PUBLISHED and obj.is_public
    assert client.get(obj.get_absolute_url()).status_code == 200

    comments = [v.revision.comment for v in Version.objects.get_for_object(obj)]
    assert comments[:2] == ["批量发布", "批量撤下"]
    actions = AuditEntry.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower)
    assert {Action.UNPUBLISH, Action.PUBLISH} <= set(actions.values_list("action", flat=True))


@pytest.mark.parametrize("kind", KINDS)
def test_the_change_page_links_to_a_preview_on_the_public_template(client, content, kind):
    login_as(client, "superuser")
    obj = KINDS[kind]()
    page = client.get(admin_url(obj, "change", obj.pk)).content.decode()
    assert 'target="_blank"' in page and "/preview/" in page


@pytest.mark.parametrize("kind", ["article", "programme"])
def test_without_the_publish_permission_there_is_no_publishing(client, content, kind):
    login_as(client, "newsroom")
    obj = KINDS[kind]()
    changelist = client.get(admin_url(obj, "changelist")).content.decode()
    assert "publish_selected" not in changelist
    client.post(
        admin_url(obj, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [obj.pk]},
    )
    obj.refresh_from_db()
    assert obj.status == Status.PUBLISHED
    # A published item's status is fixed for them; a new one offers draft or review only.
    form = client.get(admin_url(obj, "change", obj.pk)).context["adminform"].form
    assert form.fields["status"].disabled
    new_form = client.get(admin_url(obj, "add")).context["adminform"].form
    assert {value for value, _ in new_form.fields["status"].choices} == {
        Status.DRAFT,
        Status.REVIEW,
    }


def test_only_publishers_may_change_a_campaign(client, content):
    campaign = Campaign.objects.get()
    login_as(client, "newsroom")
    assert client.get(admin_url(campaign, "change", campaign.pk)).status_code == 200
    response = client.post(
        admin_url(campaign, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [campaign.pk]},
    )
    assert response.status_code in (200, 302)
    campaign.refresh_from_db()
    assert campaign.status == Status.PUBLISHED
