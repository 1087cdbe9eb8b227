"""An answer that does not fit is asked again twice at most; then taken as given or a person offered."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.reasks import EXPLAINED, answered, reask


def tracker_after(text, slots=None):
    latest = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.4}, "entities": []}
    return Tracker("s1", {"language": "pt", **(slots or {})}, latest, [], False, None, {}, "action_listen")


def slot(events, name):
    return next(e["value"] for e in events if e.get("name") == name)


def test_the_first_re_ask_says_why_and_the_second_adds_an_example_and_a_person():
    dispatcher = CollectingDispatcher()
    _, counts = reask(
        dispatcher, tracker_after("nao sei"), {}, "impact", "responda alto, médio ou baixo", "pt"
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_answer"]
    dispatcher = CollectingDispatcher()
    _, counts = reask(dispatcher, tracker_after("sei la"), counts, "impact", "responda alto…", "pt")
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_answer", "utter_reask_help"]
    assert counts == {"impact": 2}


def test_the_third_time_a_level_is_taken_as_medium_and_marked_for_support_to_check():
    dispatcher = CollectingDispatcher()
    events, counts = reask(dispatcher, tracker_after("depende do dia"), {"impact": 2}, "impact", "…", "pt")
    assert slot(events, "impact") == "medium"
    assert slot(events, "unverified") == {"impact": "depende do dia"}
    assert counts == {} and dispatcher.messages[0]["response"] == "utter_accepted_for_review"


def test_the_third_bad_email_offers_a_person_instead_of_guessing():
    dispatcher = CollectingDispatcher()
    events, counts = reask(
        dispatcher, tracker_after("ana arroba acme"), {"contact_email": 2}, "contact_email", "…", "pt"
    )
    assert dispatcher.messages[0]["response"] == "utter_reask_offer_person"
    assert slot(events, "contact_email") is None and counts == {"contact_email": 0}


def test_a_valid_answer_starts_the_question_afresh():
    assert answered({"impact": 2, EXPLAINED + "impact": 1, "urgency": 1}, "impact") == {"urgency": 1}
