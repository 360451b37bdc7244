"""Random triggers fired by random people: the invariants always hold."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from caseflow.errors import CaseflowError
from caseflow.testing import make_test_engine

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
ACTORS = [
    "bif.sagsbehandler",
    "bif.chef",
    "tmf.sagsbehandler",
    "biu.sekretariat",
    "biu.udvalg",
    "tmf.styregruppe",
    "admin",
]
CHANGES = [
    {},
    {"sections": {"problemstilling": "P", "losning": "L", "okonomi": "Ø"}},
    {"recommendations": ["at udvalget drøfter sagen."]},
    {"fields.meeting": "BIU 2009-06-11"},
    {"fields.decision": "Drøftet."},
    {"committee": "TMU"},
]


class CaseMachine(RuleBasedStateMachine):
    """One case of each workflow, pushed around at random."""

    @initialize()
    def open_cases(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.engine = make_test_engine(
            f"sqlite:///{self.folder.name}/s.db", workflows_dir=WORKFLOWS
        )
        officer = self.engine.actor("bif.sagsbehandler")
        from caseflow.engine import NewCase

        self.cases: dict[str, str] = {}
        for workflow_id in ("committee-case", "access-request"):
            case = self.engine.open_case(
                NewCase(
                    workflow_id=workflow_id,
                    title=workflow_id,
                    lead_administration="BIF",
                    participating_administrations=["TMF"],
                    committee="BIU",
                ),
                officer,
            )
            self.cases[case.journal_no] = workflow_id
        self.successes = dict.fromkeys(self.cases, 1)
        definitions = self.engine.registry.current
        self.triggers = sorted(
            {t.trigger for d in definitions.values() for t in d.definition.transitions}
        )

    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        journal_no = data.draw(st.sampled_from(sorted(self.cases)))
        trigger = data.draw(st.sampled_from(self.triggers))
        actor = self.engine.actor(data.draw(st.sampled_from(ACTORS)))
        changes = data.draw(st.sampled_from(CHANGES))
        comment = data.draw(st.sampled_from([None, "fordi"]))
        try:
            self.engine.fire(journal_no, trigger, actor, changes=changes, comment=comment)
        except CaseflowError:
            return
        self.successes[journal_no] += 1

    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        journal_no = data.draw(st.sampled_from(sorted(self.cases)))
        actor = self.engine.actor(data.draw(st.sampled_from(ACTORS)))
        changes = data.draw(st.sampled_from(CHANGES[1:]))
        try:
            before = self.engine.get_case(journal_no).version
            after = self.engine.edit(journal_no, changes, actor).version
        except CaseflowError:
            return
        self.successes[journal_no] += after - before

    @invariant()
    def state_is_known_and_audit_matches(self) -> None:
        if not hasattr(self, "engine"):
            return
        for journal_no, workflow_id in self.cases.items():
            case = self.engine.get_case(journal_no)
            definition = self.engine.registry.current[workflow_id].definition
            assert case.state in definition.states
            history = self.engine.history(journal_no)
            assert len(history) == self.successes[journal_no] == case.version
            assert history[-1].to_state == case.state
        assert all(report.ok for report in self.engine.verify_audit())

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.engine.close()
            self.folder.cleanup()


CaseMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCaseMachine = CaseMachine.TestCase
