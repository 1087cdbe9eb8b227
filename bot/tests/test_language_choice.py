"""The conversation keeps its language: only a greeting or a clear sentence in another one moves it."""

from shared.language_choice import CHANNEL, GREETING, SENTENCE, Evidence, choose_language


def test_the_first_evidence_decides_the_language():
    assert choose_language(None, Evidence("es", GREETING, 1.0, 1), answering_identity=False) == "es"
    assert choose_language(None, Evidence("en", CHANNEL, 0.5, 0), answering_identity=False) == "en"


def test_no_evidence_keeps_the_language():
    assert choose_language("es", None, answering_identity=False) == "es"


def test_a_name_given_in_a_spanish_chat_keeps_it_spanish():
    lowercase_name = Evidence("pt", SENTENCE, 0.95, 3)  # "joao carvalho silva" looks Portuguese
    assert choose_language("es", lowercase_name, answering_identity=True) == "es"
    assert choose_language("es", lowercase_name, answering_identity=False) == "es"  # too short to switch


def test_a_greeting_switches_at_once():
    assert choose_language("pt", Evidence("es", GREETING, 1.0, 1), answering_identity=False) == "es"


def test_a_confident_sentence_in_another_language_switches_and_a_doubtful_one_does_not():
    assert choose_language("pt", Evidence("en", SENTENCE, 0.98, 7), answering_identity=False) == "en"
    assert choose_language("pt", Evidence("es", SENTENCE, 0.49, 4), answering_identity=False) == "pt"


def test_a_channel_hint_never_overrides_a_language_already_decided():
    assert choose_language("pt", Evidence("en", CHANNEL, 0.5, 0), answering_identity=False) == "pt"


def test_a_greeting_outweighs_a_doubtful_guess_on_slang():
    from shared.language_choice import evidence_of

    def doubtful_spanish(text):
        return "es", 0.55

    found = evidence_of("opa, quero abrir um chamado blz", None, doubtful_spanish)
    assert (found.code, found.kind) == ("pt", GREETING)
