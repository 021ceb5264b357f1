import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from boroughs.models import BoroughRole
from boroughs.roles import is_analyst, is_editor, is_lead_of, is_member_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_new_lead_is_created_with_a_password_from_the_environment(run_command, monkeypatch):
    monkeypatch.setenv("LEAD_PASSWORD", "a-long-and-unusual-passphrase")
    output = run_command(
        "grant_role", "wm-lead", "lead", borough="westminster", password_from_env="LEAD_PASSWORD"
    )
    assert output.strip() == "Created wm-lead: lead of Westminster."
    user = User.objects.get(username="wm-lead")
    assert user.check_password("a-long-and-unusual-passphrase")
    role = BoroughRole.objects.get(user=user)
    assert (role.borough.slug, role.role) == ("westminster", "lead")
    assert is_lead_of(user, role.borough)


def test_a_user_made_without_a_password_cannot_sign_in_until_given_one(run_command):
    run_command("grant_role", "officer-1", "officer", borough="lambeth")
    user = User.objects.get(username="officer-1")
    assert not user.has_usable_password()
    assert is_member_of(user, role_borough := BoroughRole.objects.get(user=user).borough)
    assert not is_lead_of(user, role_borough)


def test_granting_again_changes_the_role_in_that_borough_not_adds_one(run_command):
    run_command("grant_role", "someone", "officer", borough="lambeth")
    output = run_command("grant_role", "someone", "lead", borough="lambeth")
    assert output.strip() == "Updated someone: lead of Lambeth."
    assert list(BoroughRole.objects.filter(user__username="someone").values_list("role")) == [
        ("lead",)
    ]


def test_a_user_can_hold_roles_in_several_boroughs(run_command):
    run_command("grant_role", "cross-border", "lead", borough="lambeth")
    run_command("grant_role", "cross-border", "officer", borough="southwark")
    assert BoroughRole.objects.filter(user__username="cross-border").count() == 2


def test_an_editor_can_work_in_the_admin(run_command):
    run_command("grant_role", "ed", "editor")
    editor = User.objects.get(username="ed")
    assert editor.is_staff
    assert is_editor(editor)
    assert editor.has_perm("casestudies.change_casestudy")
    assert editor.has_perm("funding.add_award")
    assert not editor.is_superuser


def test_an_analyst_reads_but_is_not_staff(run_command):
    run_command("grant_role", "analyst-1", "analyst")
    analyst = User.objects.get(username="analyst-1")
    assert is_analyst(analyst)
    assert not analyst.is_staff
    assert not is_editor(analyst)


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (("nobody", "lead"), {}, "The lead role needs --borough SLUG"),
        (("nobody", "officer"), {"borough": "atlantis"}, 'There is no borough "atlantis"'),
        (("nobody", "analyst"), {"borough": "westminster"}, "leave out --borough"),
        (
            ("nobody", "lead"),
            {"borough": "westminster", "password_from_env": "UNSET_VARIABLE_FOR_TEST"},
            "The environment variable UNSET_VARIABLE_FOR_TEST is not set",
        ),
    ],
)
def test_bad_input_is_explained_and_creates_nobody(run_command, args, options, message):
    with pytest.raises(CommandError) as error:
        run_command("grant_role", *args, **options)
    assert message in str(error.value)
    assert not User.objects.filter(username="nobody").exists()


def test_a_weak_password_is_refused_and_creates_nobody(run_command, monkeypatch):
    monkeypatch.setenv("WEAK", "123")
    with pytest.raises(CommandError) as error:
        run_command("grant_role", "nobody", "analyst", password_from_env="WEAK")
    assert "The password is not accepted" in str(error.value)
    assert not User.objects.filter(username="nobody").exists()


def test_an_unknown_role_is_refused(run_command):
    with pytest.raises(CommandError) as error:
        run_command("grant_role", "nobody", "superhero")
    assert "invalid choice: 'superhero'" in str(error.value)
