"""Who may work on a committee's agenda and minutes, and the calendars agendas count in.

Agendas and minutes belong to a committee rather than to one case, so the
check is on the actor's grants for the meeting's committee: ``secretariat@BIU``
(or ``committee@BIU`` for decisions) acts for BIU's meetings; an unscoped grant
of the role, or ``administrator``, acts for every committee.
"""

from __future__ import annotations

from collections.abc import Iterable

from caseflow.domain import Actor
from caseflow.engine import ADMINISTRATOR
from caseflow.errors import NotAllowed


def may_act_for(actor: Actor, committee: str, roles: Iterable[str]) -> bool:
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
    held = ", ".join(g.text for g in actor.grants)
    raise NotAllowed(
        f"{actor.username} may not {what}: it needs the role {needed} (or {ADMINISTRATOR}), "
        f"and {actor.username} holds {held or 'no role'}"
    )


# Who may see a committee's closed items (agenda, minutes, their documents): the
# secretariat that prepares them and the committee that treats them.
INSIDERS = ("secretariat", "committee")


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
        hint = "" if draft else ", or ask for the public version with --public"
        raise NotAllowed(
            f"{what}: say who you are (--as USER or CASEFLOW_USER, with the role secretariat "
            f"or committee for {committee}){hint}"
        )
    seeing = "see an unpublished agenda" if draft else "see closed items"
    require_committee_role(actor, committee, INSIDERS, seeing)

