"""Priority from impact x urgency and SLA targets per priority, read from ``priority.yaml``.

Usage::

    rules = load_priority_rules()
    rules.priority("high", "medium")        # "high"
    rules.sla("high").resolution            # business hours
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

Level = Literal["high", "medium", "low"]
Priority = Literal["critical", "high", "medium", "low"]
LEVELS: tuple[Level, ...] = ("high", "medium", "low")
DEFAULT_PATH = Path(__file__).with_name("priority.yaml")


@dataclass(frozen=True)
class SlaTarget:
    first_response: float
    resolution: float


@dataclass(frozen=True)
class PriorityRules:
    matrix: dict[str, dict[str, str]]
    sla_hours: dict[str, SlaTarget]
    definitions: dict[str, dict[str, dict[str, str]]]

    def priority(self, impact: str, urgency: str) -> str:
        return self.matrix[impact][urgency]

    def sla(self, priority: str) -> SlaTarget:
        return self.sla_hours[priority]

    def definition(self, field: str, level: str, language: str) -> str:
        texts = self.definitions[field][level]
        return texts.get(language) or texts["en"]


def parse_priority_rules(data: dict[str, Any]) -> PriorityRules:
    """Validate the file's content: every impact x urgency pair maps to a priority with SLA targets."""
    matrix = data["matrix"]
    sla = {name: SlaTarget(**hours) for name, hours in data["sla_hours"].items()}
    for impact in LEVELS:
        for urgency in LEVELS:
            priority = matrix.get(impact, {}).get(urgency)
            if priority not in sla:
                raise ValueError(
                    f"priority.yaml: matrix[{impact}][{urgency}] = {priority!r} has no sla_hours entry"
                )
    for field in ("impact", "urgency"):
        for level in LEVELS:
            if "en" not in data["definitions"][field][level]:
                raise ValueError(f"priority.yaml: definitions.{field}.{level} needs at least an 'en' text")
    return PriorityRules(matrix=matrix, sla_hours=sla, definitions=data["definitions"])


@lru_cache(maxsize=4)
def load_priority_rules(path: Path = DEFAULT_PATH) -> PriorityRules:
    return parse_priority_rules(yaml.safe_load(path.read_text(encoding="utf-8")))
