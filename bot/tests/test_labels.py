"""Words and times of the ticket replies, in the user's language (actions/labels.py)."""

from actions.labels import local_time, status_texts, value_label


def test_values_and_statuses_are_worded_in_the_user_language():
    assert value_label("production", "es") == "producción"
    assert value_label([], "en") == "none"
    assert status_texts("pending_customer", "pt")["name"] == "Pendente do cliente"
    assert "5 días hábiles" in status_texts("pending_customer", "es")["meaning"]


def test_due_times_are_shown_in_the_support_centre_time_zone():
    assert (
        local_time("2026-03-02T15:00:00+00:00", "America/Mexico_City")
        == "02/03/2026 09:00 (America/Mexico_City)"
    )
