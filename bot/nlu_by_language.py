"""NLU intent F1 per language on a held-out split (part of ``make bench``; runs in .venv-bot).

The training examples are not labelled by language, so each one is labelled with lingua (the
library the bot's LanguageDetector uses); 20 % of each intent is held out, an NLU-only model is
trained on the rest with the bot's own config.yml, and the held-out examples are classified.
"""

import asyncio
import json
import logging
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import yaml
from sklearn.metrics import accuracy_score, f1_score

from shared.languages import lingua_detector

HERE = Path(__file__).resolve().parent
HELD_OUT = 0.2
SEED = 13


def examples() -> List[Tuple[str, str]]:
    found = []
    for path in sorted((HERE / "data").glob("nlu*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                for line in block["examples"].splitlines():
                    if line.strip().startswith("- "):
                        found.append((block["intent"], line.strip()[2:].strip()))
    return found


def split(data: List[Tuple[str, str]]) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for intent, text in data:
        by_intent[intent].append(text)
    rng = random.Random(SEED)
    train, test = [], []
    for intent, texts in sorted(by_intent.items()):
        rng.shuffle(texts)
        cut = max(1, int(len(texts) * HELD_OUT))
        test += [(intent, t) for t in texts[:cut]]
        train += [(intent, t) for t in texts[cut:]]
    return train, test


def write_nlu(data: List[Tuple[str, str]], path: Path) -> None:
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for intent, text in data:
        by_intent[intent].append(text)
    blocks = [{"intent": i, "examples": "".join(f"- {t}\n" for t in ts)} for i, ts in by_intent.items()]
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True), encoding="utf-8")


async def predict(model: Path, texts: List[str]) -> List[str]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message

    agent = Agent.load(str(model))
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]


def main() -> int:
    detect = lingua_detector()
    train, test = split(examples())
    work = Path(tempfile.mkdtemp(prefix="nlu-eval-"))
    write_nlu(train, work / "train.yml")
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "nlu", "--nlu", str(work / "train.yml"), "--config",
         str(HERE / "config.yml"), "--out", str(work), "--fixed-model-name", "nlu", "--quiet"],
        cwd=HERE, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    predicted = asyncio.run(predict(work / "nlu.tar.gz", [text for _, text in test]))
    by_language: Dict[str, Tuple[List[str], List[str]]] = defaultdict(lambda: ([], []))
    for (intent, text), guess in zip(test, predicted, strict=True):
        language = detect(text) or "unknown"
        by_language[language][0].append(intent)
        by_language[language][1].append(guess)
    report = {
        language: {
            "held_out_examples": len(gold),
            "intent_f1_weighted": round(f1_score(gold, guess, average="weighted", zero_division=0), 3),
            "intent_f1_macro": round(f1_score(gold, guess, average="macro", zero_division=0), 3),
            "accuracy": round(accuracy_score(gold, guess), 3),
        }
        for language, (gold, guess) in sorted(by_language.items())
    }
    print(json.dumps({"nlu_intent_by_language": report, "train_examples": len(train)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
