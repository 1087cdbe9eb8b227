"""``rasa run actions`` finds every action of the domain in the ``actions`` package's modules."""

from pathlib import Path
from typing import Set

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def domain_actions() -> Set[str]:
    found: Set[str] = set()
    for path in sorted(DOMAIN.glob("*.yml")):
        found.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or [])
    return found


def test_every_domain_action_is_registered_and_no_other() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")  # what the action server does with its default module
    assert domain_actions()
    assert set(executor.actions) == domain_actions()
