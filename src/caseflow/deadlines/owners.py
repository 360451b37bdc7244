"""Who owns a deadline, as a message or a list names them (pure: no I/O).

A workflow rule's owner is a role on the case, so a message names the case
officer (or, for another role, who holds it), the role's title and the lead
administration. A follow-up action's
owner is a unit of the organisation (``administration:SOF``,
``steering_group:OMR``, see :func:`caseflow.notifications.recipients.unit_of`):
naming the case officer there would point at someone in another administration
altogether, so the unit is named instead. The reminders, the escalation, the
secretariat's digest and ``caseflow deadlines list|explain`` all ask
:func:`owner_of`, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from caseflow.domain import CaseScope, RoleGrant
from caseflow.meetings.vocabulary import FollowupOwnerKind
from caseflow.notifications import recipients

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import DeadlineRule, WorkflowDefinition

Owner = dict[str, str | None]
"""The templates' ``owner``: ``name`` (None: nobody assigned), ``role_title``,
``administration``."""

# Plain texts, picked as LocalizedText.pick does (anything but English is Danish): the
# models are not needed to name a unit.
UNIT_TITLES = {
    FollowupOwnerKind.ADMINISTRATION: {"da": "Forvaltning", "en": "Administration"},
    FollowupOwnerKind.STEERING_GROUP: {"da": "Styregruppe", "en": "Steering group"},
}


def owner_of(
    directory: recipients.Directory,
    case: CaseScope,
    rule: DeadlineRule,
    definition: WorkflowDefinition,
    language: str,
) -> Owner:
    """Who must act on ``rule``'s deadline on ``case``, in ``language``.

    The case officer by name, even one without an e-mail address; another role by
    the names of those its mail goes to (the approvers, the secretariat).
    """
    unit = recipients.unit_of(rule.owner)
    if unit is not None:
        return unit_owner(directory, *unit, language)
    administration = case.lead_administration
    if rule.owner == "case_officer":
        officer = directory.actor(case.case_officer) if case.case_officer else None
        name = officer.name if officer is not None else None
        if officer is not None:
            administration = _own_administration(officer.grants, case, rule.owner)
    else:
        told = recipients.resolve(directory, case, [rule.owner])
        name = ", ".join(str(a["name"]) for a in told if a.get("name")) or None
    role = definition.roles.get(rule.owner)
    return {
        "name": name,
        "role_title": role.pick(language) if role is not None else rule.owner,
        "administration": administration,
    }


def _own_administration(grants: Sequence[RoleGrant], case: CaseScope, role: str) -> str | None:
    """The administration a person holds ``role`` in for this case: a BIF officer drafting
    a case TMF leads is "Sagsbehandler, BIF", not TMF's."""
    mine = [g.administration for g in grants if g.role == role and g.administration]
    return next(
        (a for a in mine if a in case.administrations),
        mine[0] if mine else case.lead_administration,
    )


def unit_owner(
    directory: recipients.Directory, kind: FollowupOwnerKind, code: str, language: str
) -> Owner:
    """An administration or steering group by its name (its code if it is gone)."""
    if kind is FollowupOwnerKind.ADMINISTRATION:
        found = directory.administration(code)
        english = found.get("name_en") if found is not None and language == "en" else None
    else:
        found, english = directory.steering_group(code), None
    return {
        "name": english or (str(found["name"]) if found is not None else code),
        "role_title": UNIT_TITLES[kind]["en" if language == "en" else "da"],
        "administration": code if kind is FollowupOwnerKind.ADMINISTRATION else None,
    }


def owner_text(owner: Owner) -> str:
    """``Sara Holm (Sagsbehandler, TMF)``: the owner on one line, as the templates print it."""
    scope = ", ".join(str(part) for part in (owner["role_title"], owner["administration"]) if part)
    return f"{owner['name'] or '-'} ({scope})"
