"""Who may write case studies.

Officers and leads of a borough draft case studies for it: they create drafts, change
them while they are drafts, and submit them for review. Editors change any case study,
send it back to draft, publish and unpublish. Analysts read everything and write nothing.

`add_casestudy` is asked of a borough (may this user draft for it?); the others of a case
study. Whether a case study is in the right state for a step (only a draft can be
submitted) is the services' question, so that the answer can say so rather than a bare 403.
"""

import rules

from boroughs.roles import boroughs_of, is_editor, is_member_of


@rules.predicate
def drafts_for_case_studys_borough(user, case_study):
    """An officer or lead of one of the case study's boroughs."""
    if case_study is None or not user.is_authenticated:
        return False
    return any(is_member_of(user, borough) for borough in case_study.boroughs.all())


@rules.predicate
def drafts_for_any_borough(user):
    """Whether the user may draft case studies at all: an editor, or an officer or lead."""
    return is_editor(user) or bool(boroughs_of(user))


@rules.predicate
def is_draft(user, case_study):
    return case_study is not None and case_study.status == case_study.Status.DRAFT


rules.add_perm("casestudies.add_casestudy", is_editor | is_member_of)
rules.add_perm(
    "casestudies.change_casestudy", is_editor | (is_draft & drafts_for_case_studys_borough)
)
rules.add_perm("casestudies.submit_casestudy", is_editor | drafts_for_case_studys_borough)
# Publishing, unpublishing and sending back to draft are the editors' call.
rules.add_perm("casestudies.publish_casestudy", is_editor)
# Importing a case study from a guide is an editor's work: they check it before saving.
rules.add_perm("casestudies.import_casestudy", is_editor)
