"""What customers say, per language: openings, replies to the bot's prompts, interruptions."""

from __future__ import annotations

PHRASES: dict[str, dict[str, list[str]]] = {
    "plain_opening": {
        "pt-BR": ["quero abrir um chamado", "preciso abrir um chamado", "bom dia, quero abrir um chamado"],
        "es": [
            "necesito abrir un ticket",
            "quiero abrir un ticket por favor",
            "hola, necesito abrir un ticket",
        ],
        "en": [
            "I need to open a support ticket please",
            "I want to open a ticket",
            "hi, I need to open a ticket",
        ],
    },
    "handoff": {
        "pt-BR": ["quero falar com um atendente", "tem como falar com uma pessoa?"],
        "es": ["quiero hablar con una persona", "¿puedo hablar con un agente?"],
        "en": ["can I talk to a human agent?", "I want to talk to a real person"],
    },
    "out_of_scope": {
        "pt-BR": ["quem ganhou a copa do mundo?", "me passa uma receita de pão de queijo"],
        "es": ["¿me cuentas un chiste?", "¿quién ganó el partido de Boca ayer?"],
        "en": ["what's the weather tomorrow?", "who won the last world cup?"],
    },
    "kb_question": {
        "pt-BR": ["qual o telefone do suporte no Brasil?", "qual é o horário de atendimento do suporte?"],
        "es": [
            "¿Cuál es el teléfono de soporte en Argentina?",
            "¿cuál es el horario de atención de soporte?",
        ],
        "en": ["What is the official e-mail address of Protheus support?", "what are the support hours?"],
    },
    "cancel": {"pt-BR": ["cancelar"], "es": ["cancelar"], "en": ["cancel"]},
    "give_up": {
        "pt-BR": ["deixa pra lá, não quero mais abrir o chamado"],
        "es": ["olvídalo, ya no quiero abrir el ticket"],
        "en": ["never mind, I don't want a ticket anymore"],
    },
    "yes_cancel": {"pt-BR": ["sim, pode cancelar"], "es": ["sí, cancélalo"], "en": ["yes, cancel it"]},
    "no_continue": {"pt-BR": ["não, vamos continuar"], "es": ["no, sigamos"], "en": ["no, let's continue"]},
    "not_solved": {"pt-BR": ["não resolveu"], "es": ["no, no me sirvió"], "en": ["it didn't help"]},
    "confirm": {"pt-BR": ["sim, pode abrir"], "es": ["sí, confirmo"], "en": ["yes, go ahead"]},
    "thanks": {"pt-BR": ["ok, obrigado"], "es": ["ok, gracias"], "en": ["ok thanks"]},
    "nudge": {
        "pt-BR": ["e agora? quero abrir o chamado"],
        "es": ["¿y ahora? quiero abrir el ticket"],
        "en": ["so what now? I want to open the ticket"],
    },
    "change": {
        "pt-BR": ["não, quero mudar {label}"],
        "es": ["no, quiero cambiar {label}"],
        "en": ["no, I want to change {label}"],
    },
    "correction": {
        "pt-BR": ["na verdade {label} é {value}"],
        "es": ["perdón, {label} es {value}"],
        "en": ["actually {label} is {value}"],
    },
    "no_attachments": {"pt-BR": ["não tenho"], "es": ["no tengo"], "en": ["no, none"]},
}

LABELS: dict[str, dict[str, str]] = {
    "impact": {"pt-BR": "o impacto", "es": "el impacto", "en": "the impact"},
    "urgency": {"pt-BR": "a urgência", "es": "la urgencia", "en": "the urgency"},
    "environment": {"pt-BR": "o ambiente", "es": "el entorno", "en": "the environment"},
    "module": {"pt-BR": "o módulo", "es": "el módulo", "en": "the module"},
    "version": {"pt-BR": "a versão", "es": "la versión", "en": "the version"},
    "contact_email": {"pt-BR": "o e-mail", "es": "el correo", "en": "the e-mail"},
}

LEVELS: dict[str, dict[str, tuple[str, str, str]]] = {
    # (masculine for impact, feminine for urgency, number)
    "high": {"pt-BR": ("alto", "alta", "1"), "es": ("alto", "alta", "1"), "en": ("high", "high", "1")},
    "medium": {
        "pt-BR": ("médio", "média", "2"),
        "es": ("medio", "media", "2"),
        "en": ("medium", "medium", "2"),
    },
    "low": {"pt-BR": ("baixo", "baixa", "3"), "es": ("bajo", "baja", "3"), "en": ("low", "low", "3")},
}
ENVIRONMENTS: dict[str, dict[str, str]] = {
    "production": {"pt-BR": "produção", "es": "producción", "en": "production"},
    "test": {"pt-BR": "homologação", "es": "pruebas", "en": "test"},
}
# Verbose personas answer in a sentence; {} is the value.
VERBOSE: dict[str, dict[str, str]] = {
    "contact_name": {"pt-BR": "meu nome é {}", "es": "me llamo {}", "en": "my name is {}"},
    "contact_email": {"pt-BR": "meu email é {}", "es": "mi correo es {}", "en": "it's {}"},
    "company_code": {"pt-BR": "o código é {}", "es": "el código es {}", "en": "our code is {}"},
    "product": {"pt-BR": "é o {}", "es": "uso {}", "en": "we use {}"},
    "module": {"pt-BR": "no módulo {}", "es": "en el módulo de {}", "en": "the {} module"},
    "version": {"pt-BR": "versão {}", "es": "versión {}", "en": "release {}"},
    "environment": {"pt-BR": "em {}", "es": "en {}", "en": "in {}"},
}
AND = {"pt-BR": "e", "es": "y", "en": "and"}
BAD_EMAIL = {"pt-BR": "{user}-arroba-{domain}", "es": "{user} arroba {domain}", "en": "{user} at {domain}"}
BAD_COMPANY = {"pt-BR": "T 123/45!", "es": "código #55 21?", "en": "our code is A&B 77"}
SLANG: dict[str, dict[str, str]] = {
    "pt-BR": {
        "você": "vc", "voce": "vc", "porque": "pq", "por que": "pq", "também": "tb", "que": "q",
        "para": "pra", "está": "tá", "estou": "tô", "beleza": "blz", "obrigado": "vlw",
    },
    "es": {"por favor": "porfa", "que": "q", "porque": "xq", "por qué": "xq", "también": "tmb", "está": "ta"},
    "en": {"please": "pls", "thanks": "thx", "you": "u", "your": "ur", "because": "cuz", "okay": "ok"},
}  # fmt: skip
SLANG_OPENERS = {"pt-BR": ["blz, ", "opa, ", ""], "es": ["q onda, ", "hola, ", ""], "en": ["hey, ", "", ""]}
SLANG_CLOSERS = {"pt-BR": ["", " blz", " pfv"], "es": ["", " porfa", " xfa"], "en": ["", " pls", " thx"]}
# A second wording for "since when", when the first one was not taken.
SINCE_AGAIN = {"pt-BR": ["faz alguns dias"], "es": ["hace unos días"], "en": ["a few days ago"]}
