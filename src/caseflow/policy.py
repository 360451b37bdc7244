"""The one access policy: who may see, change, publish and list what.

Every service asks this module, reading included, so a rule holds the same in
the CLI, the web pages and the API. Three kinds of question:

* **Cases.** A case is open to its case officer and to whoever holds a role on it
  (in one of its administrations or its committee, or without scope:
  :meth:`Actor.may_read`). Someone it is not open to learns nothing about it,
  not even that it exists: :func:`visible_case` answers an unknown and a hidden
  case with the same "not found or not allowed".
* **Committees.** Agendas and minutes belong to a committee: its secretariat
  prepares them, its members decide (:func:`require_committee_role`); both are
  its *insiders* (:data:`INSIDERS`), the only ones who see closed items.
* **Operators.** The outbox and the incidents are for an administrator or a
  secretariat (:func:`require_operator`), each within the cases it may see.

And one redaction: a closed item's content (its decision, and the comment of the
minutes' step that carried it) is for the insiders of the committee where it was
closed, whatever the command, format or mail (:func:`closed_committees`,
:func:`redacted_case`, :func:`redacted_history`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from caseflow.definitions.meanings import ServiceName
from caseflow.domain import (
    ADMINISTRATOR,
    OPERATOR_ROLES,
    Actor,
    AuditEntry,
    Case,
    CaseHead,
    OrgKind,
)
from caseflow.errors import ErrorCode, NotAllowed, NotFound
from caseflow.store import agenda as agenda_rows
from caseflow.store import cases as case_rows
from caseflow.store import organisation as org_rows
from caseflow.store.visibility import ReadScope

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions.schema import TransitionDef

# Who may see a committee's closed items (agenda, minutes, their documents): the
# secretariat that prepares them and the committee that treats them.
SECRETARIAT = "secretariat"
INSIDERS = (SECRETARIAT, "committee")
CASE_OFFICER = "case_officer"  # opens cases in its administration (imported items too)

WITHHELD = "(lukket punkt: kun for udvalgets medlemmer og sekretariat)"
"""What stands in place of closed content for a reader outside the committee."""

DECISION_FIELD = "decision"


# --- cases ----------------------------------------------------------------------------


def not_visible(journal_no: str) -> NotFound:
    """The one answer to a case that does not exist and to one the asker may not see."""
    return NotFound(
        f"case {journal_no}: not found or not allowed",
        code=ErrorCode.CASE_NOT_VISIBLE,
        journal_no=journal_no,
    )


def followup_not_visible(followup_id: int) -> NotFound:
    """The one answer to a follow-up action that does not exist and to one on a case the
    asker may not see (ids are sequential: the answer must not tell them apart)."""
    return NotFound(
        f"follow-up action {followup_id}: not found or not allowed",
        code=ErrorCode.UNKNOWN_FOLLOWUP,
        followup_id=followup_id,
    )


def require_may_read(case: Case, actor: Actor) -> None:
    """Refuse ``actor`` any view of ``case`` unless :meth:`Actor.may_read` allows it."""
    if not actor.may_read(case):
        raise not_visible(case.journal_no)


def visible_case(conn: Connection, journal_no: str, actor: Actor) -> Case:
    """The case, if ``actor`` may see it; else the same refusal as for no such case."""
    try:
        case = case_rows.get(conn, journal_no)
    except NotFound:
        raise not_visible(journal_no) from None
    require_may_read(case, actor)
    return case


def read_scope(reader: Actor) -> ReadScope:
    """What :meth:`Actor.may_read` allows ``reader``, for lists filtered in the database
    (:func:`caseflow.store.visibility.readable`): every case, or those it is officer of
    or holds a role on (in one of their administrations, or their committee)."""
    return ReadScope(
        every=reader.sees_every_case,
        username=reader.username,
        administrations=frozenset(g.administration for g in reader.grants if g.administration),
        committees=frozenset(
            g.committee for g in reader.grants if g.committee and g.administration is None
        ),
    )


def readable_case_ids(conn: Connection, reader: Actor, case_ids: Iterable[int | None]) -> set[int]:
    """Those of ``case_ids`` whose case ``reader`` may see (:meth:`Actor.may_read`)."""
    wanted = {case_id for case_id in case_ids if case_id is not None}
    if reader.sees_every_case:
        return wanted
    found = case_rows.heads(conn, wanted)
    return {case_id for case_id, case in found.items() if reader.may_read(case)}


# --- roles ----------------------------------------------------------------------------


def held(actor: Actor) -> str:
    return ", ".join(g.text for g in actor.grants) or "no role"


def is_administrator(actor: Actor) -> bool:
    """An administrator without scope: who may run the organisation and every committee."""
    return any(
        g.role == ADMINISTRATOR and g.administration is None and g.committee is None
        for g in actor.grants
    )


def require_administrator(actor: Actor, doing: str) -> None:
    if not is_administrator(actor):
        raise NotAllowed(
            f"{actor.username} may not {doing}: that needs the role {ADMINISTRATOR}; "
            f"{actor.username} holds {held(actor)}",
            code=ErrorCode.ADMINISTRATOR_REQUIRED,
            doing=doing,
        )


def require_may_migrate(actor: Actor) -> None:
    """Moving running cases onto another workflow version, and back, is a permission of its
    own (an administrator's today): every migration service asks here, so who holds it can
    change in one place."""
    require_administrator(actor, "migrate running cases to another workflow version")


def require_operator(actor: Actor, doing: str) -> None:
    """Refuse ``actor`` ``doing`` (an outbox or incident command) unless it is an operator."""
    if actor.operates:
        return
    raise NotAllowed(
        f"{actor.username} may not {doing}: that needs the role "
        f"{' or '.join(OPERATOR_ROLES)}; {actor.username} holds {held(actor)}",
        code=ErrorCode.OPERATOR_REQUIRED,
        doing=doing,
    )


ORG_KINDS_FOR_SECRETARIATS = (OrgKind.COMMITTEE, OrgKind.ADMINISTRATION, OrgKind.STEERING_GROUP)
"""The organisation's history a secretariat reads: all but the actors' changes."""


def org_history_kinds(actor: Actor) -> frozenset[OrgKind] | None:
    """Which kinds of organisation change ``actor`` may read (None: every kind), or a
    refusal.

    The history (who changed which chair, address, agenda deadline or role, and when)
    is for those who run the organisation and those who prepare its meetings: an
    administrator without scope sees all of it; a secretariat (of any committee: the
    committees, administrations and steering groups are shared by all, and a
    secretariat must be able to see who moved its agenda deadline or changed its
    members) sees every change but those of actors, whose e-mail addresses and roles
    are the administrator's business. A case officer or a committee member is refused.
    """
    if is_administrator(actor):
        return None
    if any(g.role == SECRETARIAT for g in actor.grants):
        return frozenset(ORG_KINDS_FOR_SECRETARIATS)
    raise NotAllowed(
        f"{actor.username} may not read the organisation's history: that needs the role "
        f"{ADMINISTRATOR} or {SECRETARIAT}; {actor.username} holds {held(actor)}",
        code=ErrorCode.ROLE_REQUIRED,
        roles=[ADMINISTRATOR, SECRETARIAT],
        scope=None,
    )


def digest_committees(actor: Actor, asked: Sequence[str] | None) -> list[str] | None:
    """The committees whose deadline digest ``actor`` may queue (None: every one).

    An operator (:func:`require_operator`) without scope queues any; a committee's
    secretariat its own committees' only, and is refused one it does not prepare.
    """
    require_operator(actor, "queue the deadline digest")
    unscoped = any(
        g.role in OPERATOR_ROLES and g.administration is None and g.committee is None
        for g in actor.grants
    )
    if unscoped:
        return list(asked) if asked else None
    if not asked:
        return sorted(
            {
                g.committee
                for g in actor.grants
                if g.role == SECRETARIAT and g.committee and g.administration is None
            }
        )
    for committee in asked:
        require_committee_role(actor, committee, [SECRETARIAT], "queue its deadline digest")
    return list(asked)


def may_act_for(actor: Actor, committee: str, roles: Iterable[str]) -> bool:
    """Whether ``actor`` holds one of ``roles`` for ``committee`` (scoped to it or without
    scope), or is an administrator."""
    wanted = set(roles)
    for grant in actor.grants:
        if grant.role == ADMINISTRATOR and grant.administration is None and not grant.committee:
            return True
        if (
            grant.role in wanted
            and grant.administration is None
            and grant.committee in (None, committee)
        ):
            return True
    return False


def require_committee_role(actor: Actor, committee: str, roles: Iterable[str], what: str) -> None:
    """Refuse unless ``actor`` holds one of ``roles`` for ``committee`` (or is administrator)."""
    wanted = tuple(roles)
    if may_act_for(actor, committee, wanted):
        return
    needed = " or ".join(f"{role}@{committee}" for role in wanted)
    raise NotAllowed(
        f"{actor.username} may not {what}: it needs the role {needed} (or {ADMINISTRATOR}), "
        f"and {actor.username} holds {held(actor)}",
        code=ErrorCode.ROLE_REQUIRED,
        roles=list(wanted),
        scope=committee,
    )


def may_import(actor: Actor) -> bool:
    """Whether ``actor`` is one the import page is for: a committee's secretariat (who
    brings its published agendas and minutes into its meetings, see
    :func:`require_committee_role`), a case officer (whose administration's items
    become cases) or an administrator. Each import is still checked item by item and
    meeting by meeting where it is written."""
    return is_administrator(actor) or any(
        (g.role == SECRETARIAT and g.administration is None) or g.role == CASE_OFFICER
        for g in actor.grants
    )


def is_insider(actor: Actor | None, committee: str) -> bool:
    return actor is not None and may_act_for(actor, committee, INSIDERS)


def require_insider(actor: Actor | None, committee: str, *, draft: bool = False) -> None:
    """Refuse the full (non-public) view of ``committee``'s agenda, or its unpublished
    ``draft``, to anyone outside it.

    The public view of a published version leaves closed items out; the full one, and
    any view of a draft, is for the committee's secretariat and members (or an
    administrator), who must say who they are.
    """
    if actor is None:
        what = (
            f"a draft of {committee}'s agenda is not published"
            if draft
            else f"the full agenda of {committee} includes closed items"
        )
        raise NotAllowed(
            f"{what}: only the committee's secretariat or members may see it; say who you are",
            code=ErrorCode.ACTOR_REQUIRED,
            committee=committee,
            public_possible=not draft,
        )
    seeing = "see an unpublished agenda" if draft else "see closed items"
    require_committee_role(actor, committee, INSIDERS, seeing)


def last_administrators(conn: Connection) -> list[str]:
    """The usernames of the administrators without scope who are not disabled (the
    bootstrap's end): no change may leave none, nor may disabling one."""
    from caseflow.store import accounts as account_rows  # sign-in's rows, read only here

    found = org_rows.actors_with_role(conn, ADMINISTRATOR)
    administrators = [actor.username for actor in found if is_administrator(actor)]
    disabled = account_rows.disabled_among(conn, administrators)
    return [username for username in administrators if username not in disabled]


# --- closed content -------------------------------------------------------------------


def is_marked_closed(case: Case | CaseHead) -> bool:
    """A case its officer marked closed (``fields.closed``): every item of it is closed."""
    return bool(case.fields.get("closed"))


def closed_committees(conn: Connection, case: Case | CaseHead) -> frozenset[str]:
    """The committees where ``case`` is closed: where it has (or had) a closed item, and
    its own committee when the case is marked closed."""
    found = {
        item.committee
        for item, _meeting in agenda_rows.items_for_case(conn, case.id)
        if not item.is_public
    }
    if is_marked_closed(case) and case.committee:
        found.add(case.committee)
    return frozenset(found)


def title_for_committee(
    conn: Connection, case: Case | CaseHead, committee: str, closed_title: str
) -> str:
    """The title of ``case`` in what goes to ``committee``'s secretariat (its daily
    digest): ``closed_title`` when the case is closed at another committee only."""
    closed = closed_committees(conn, case)
    return closed_title if closed and committee not in closed else case.title


def withholds(reader: Actor | None, closed: Iterable[str]) -> bool:
    """Whether closed content is hidden from ``reader``: it is closed somewhere and the
    reader is an insider of none of those committees."""
    committees = list(closed)
    return bool(committees) and not any(is_insider(reader, c) for c in committees)


def redacted_case(case: Case) -> Case:
    """``case`` with its closed content (the decision) replaced by :data:`WITHHELD`."""
    if DECISION_FIELD not in case.fields:
        return case
    fields = dict(case.fields)
    fields[DECISION_FIELD] = WITHHELD
    return dataclasses.replace(case, fields=fields)


def carries_closed_content(entry: AuditEntry, minutes_triggers: Iterable[str]) -> bool:
    """An audit row whose comment or changes hold closed content: a step of the minutes
    (its comment is the decision) or one that set the decision."""
    return entry.trigger in set(minutes_triggers) or f"fields.{DECISION_FIELD}" in entry.changes


def redacted_history(
    entries: Sequence[AuditEntry], minutes_triggers: Iterable[str]
) -> list[AuditEntry]:
    """The audit trail with the closed content of each row withheld (hashes kept, so the
    reader still sees that the chain is whole)."""
    triggers = frozenset(minutes_triggers)
    shown: list[AuditEntry] = []
    for entry in entries:
        if not carries_closed_content(entry, triggers):
            shown.append(entry)
            continue
        changes = {
            key: (_withheld_change(value) if key == f"fields.{DECISION_FIELD}" else value)
            for key, value in entry.changes.items()
        }
        comment = WITHHELD if entry.comment else None
        shown.append(dataclasses.replace(entry, changes=changes, comment=comment))
    return shown


def mail_comment(
    conn: Connection, case: Case, transition: TransitionDef | None, entry: AuditEntry
) -> str | None:
    """The comment a mail about ``entry`` may carry: a step of the minutes on a case closed
    somewhere carries the decision, which a mail (read outside the committee too) withholds."""
    if transition is None or transition.service is not ServiceName.MINUTES or not entry.comment:
        return entry.comment
    return WITHHELD if closed_committees(conn, case) else entry.comment


def _withheld_change(change: object) -> object:
    """An audit change ``[old, new]`` with each value that was there withheld."""
    if isinstance(change, list):
        return [None if value is None else WITHHELD for value in change]
    return WITHHELD
