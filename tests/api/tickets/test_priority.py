"""Priority from impact x urgency, SLA targets per priority, and what the customer is asked."""

from __future__ import annotations

import copy
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.tickets.priority import (
    DEFAULT_PATH,
    LEVELS,
    PriorityRules,
    SlaTarget,
    load_priority_rules,
    parse_priority_rules,
)

RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
LANGUAGES = ("pt-BR", "es", "en")


@pytest.fixture(scope="module")
def rules() -> PriorityRules:
    return load_priority_rules()


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "priority.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("impact", "by_urgency"),
    [
        ("high", {"high": "critical", "medium": "high", "low": "medium"}),
        ("medium", {"high": "high", "medium": "medium", "low": "low"}),
        ("low", {"high": "medium", "medium": "low", "low": "low"}),
    ],
)
def test_the_default_matrix_gives_each_impact_a_priority_per_urgency(
    rules: PriorityRules, impact: str, by_urgency: dict[str, str]
) -> None:
    """The shipped defaults; the onboarding page states the rule but links the table, not its cells."""
    assert {urgency: rules.priority(impact, urgency) for urgency in LEVELS} == by_urgency


def test_only_a_high_impact_that_is_also_highly_urgent_is_critical(rules: PriorityRules) -> None:
    critical = [(i, u) for i in LEVELS for u in LEVELS if rules.priority(i, u) == "critical"]
    assert critical == [("high", "high")]


def test_impact_and_urgency_weigh_the_same(rules: PriorityRules) -> None:
    for impact in LEVELS:
        for urgency in LEVELS:
            assert rules.priority(impact, urgency) == rules.priority(urgency, impact)


def test_a_higher_impact_or_urgency_never_lowers_the_priority(rules: PriorityRules) -> None:
    for fixed in LEVELS:
        by_impact = [RANK[rules.priority(level, fixed)] for level in LEVELS]
        by_urgency = [RANK[rules.priority(fixed, level)] for level in LEVELS]
        assert by_impact == sorted(by_impact)
        assert by_urgency == sorted(by_urgency)


def test_an_impact_or_urgency_outside_high_medium_low_has_no_priority(rules: PriorityRules) -> None:
    with pytest.raises(KeyError):
        rules.priority("huge", "high")
    with pytest.raises(KeyError):
        rules.priority("high", "yesterday")


def test_the_default_sla_targets_in_business_hours(rules: PriorityRules) -> None:
    assert rules.sla("critical") == SlaTarget(first_response=1, resolution=12)
    assert rules.sla("high") == SlaTarget(first_response=4, resolution=36)
    assert rules.sla("medium") == SlaTarget(first_response=8, resolution=60)
    assert rules.sla("low") == SlaTarget(first_response=12, resolution=120)


def test_every_priority_of_the_matrix_has_an_sla(rules: PriorityRules) -> None:
    used = {rules.priority(i, u) for i in LEVELS for u in LEVELS}
    assert used == set(RANK)
    assert used <= set(rules.sla_hours)


def test_a_more_urgent_priority_is_answered_and_resolved_sooner(rules: PriorityRules) -> None:
    ordered = sorted(RANK, key=RANK.__getitem__)
    targets = [rules.sla(priority) for priority in ordered]
    for sooner, later in pairwise(targets):
        assert sooner.first_response < later.first_response
        assert sooner.resolution < later.resolution


def test_the_first_response_comes_before_the_resolution(rules: PriorityRules) -> None:
    for priority in RANK:
        target = rules.sla(priority)
        assert 0 < target.first_response < target.resolution


@pytest.mark.parametrize("field", ["impact", "urgency"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_level_is_explained_to_the_customer_in_each_language(
    rules: PriorityRules, field: str, level: str, language: str
) -> None:
    text = rules.definition(field, level, language)
    assert text.strip()
    if language != "en":
        assert text != rules.definition(field, level, "en")


def test_the_definitions_name_the_level_in_the_customers_language(rules: PriorityRules) -> None:
    assert rules.definition("impact", "high", "pt-BR").startswith("Alto:")
    assert rules.definition("impact", "low", "es").startswith("Bajo:")
    assert rules.definition("urgency", "medium", "pt-BR").startswith("Média:")
    assert rules.definition("urgency", "high", "en").startswith("High:")


def test_a_language_without_a_definition_falls_back_to_english(rules: PriorityRules) -> None:
    assert rules.definition("urgency", "low", "fr") == rules.definition("urgency", "low", "en")


def test_a_blank_translation_falls_back_to_english() -> None:
    data = shipped_data()
    data["definitions"]["impact"]["medium"]["es"] = ""
    rules = parse_priority_rules(data)
    assert rules.definition("impact", "medium", "es") == rules.definition("impact", "medium", "en")


def test_the_shipped_file_loads_from_its_default_path() -> None:
    assert load_priority_rules(DEFAULT_PATH) == parse_priority_rules(shipped_data())


def test_an_edited_file_is_what_the_rules_follow(tmp_path: Path) -> None:
    data = shipped_data()
    data["matrix"]["low"]["low"] = "medium"
    data["sla_hours"]["medium"]["first_response"] = 6
    rules = load_priority_rules(write(tmp_path, data))
    assert rules.priority("low", "low") == "medium"
    assert rules.sla("medium").first_response == 6


def test_a_matrix_cell_naming_a_priority_without_sla_is_rejected(tmp_path: Path) -> None:
    data = shipped_data()
    data["matrix"]["medium"]["high"] = "urgent"
    with pytest.raises(ValueError, match=r"matrix\[medium\]\[high\] = 'urgent' has no sla_hours entry"):
        load_priority_rules(write(tmp_path, data))


def test_a_missing_matrix_cell_is_rejected(tmp_path: Path) -> None:
    data = shipped_data()
    del data["matrix"]["low"]["medium"]
    with pytest.raises(ValueError, match=r"matrix\[low\]\[medium\] = None"):
        load_priority_rules(write(tmp_path, data))


def test_a_missing_impact_row_is_rejected(tmp_path: Path) -> None:
    data = shipped_data()
    del data["matrix"]["high"]
    with pytest.raises(ValueError, match=r"matrix\[high\]\[high\]"):
        load_priority_rules(write(tmp_path, data))


def test_a_priority_whose_sla_was_removed_is_rejected(tmp_path: Path) -> None:
    data = shipped_data()
    del data["sla_hours"]["critical"]
    with pytest.raises(ValueError, match=r"'critical' has no sla_hours entry"):
        load_priority_rules(write(tmp_path, data))


def test_an_sla_entry_with_an_unknown_target_is_rejected(tmp_path: Path) -> None:
    data = shipped_data()
    data["sla_hours"]["low"]["first_reply"] = 2
    with pytest.raises(TypeError):
        load_priority_rules(write(tmp_path, data))


def test_a_definition_without_an_english_text_is_rejected(tmp_path: Path) -> None:
    data = shipped_data()
    del data["definitions"]["urgency"]["medium"]["en"]
    with pytest.raises(ValueError, match=r"definitions\.urgency\.medium needs at least an 'en' text"):
        load_priority_rules(write(tmp_path, data))


def test_a_file_that_is_not_valid_yaml_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "priority.yaml"
    path.write_text("matrix:\n  high: {high: critical, medium: high\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        load_priority_rules(path)
