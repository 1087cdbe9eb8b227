"""When a problem started, as customers say it: "desde ontem", "hace dos semanas", "since this morning"."""

from __future__ import annotations

import re

# "since when" as customers say it: a moment after "desde/since", or "há/hace N dias", or a day word.
_MOMENT = (
    r"(?:hoje|hoy|today|ontem|ayer|yesterday|anteontem|anoche|last night)"
    r"(?:\s+(?:de|à|a|pela|por\s+la|in\s+the|at)?\s*(?:manh[ãa]|mañana|tarde|noite|noche|morning|afternoon|evening|night))?"
    r"|(?:esta|this)\s+(?:manh[ãa]|mañana|tarde|noite|noche|morning|afternoon|week|semana)"
    r"|(?:a|o|la|el|the)\s+(?:[uú]ltima\s+|last\s+)?(?:atualiza[çc][ãa]o|actualizaci[óo]n|update|upgrade|virada|migra[çc][ãa]o|migraci[óo]n)"
    r"(?:\s+(?:de|da|do|del)\s+(?:la\s+)?(?:semana\s+pasada|semana\s+passada|ontem|ayer|sexta|segunda|lunes"
    r"|viernes|m[eê]s\s+passado|mes\s+pasado))?"
    r"|(?:a\s+|la\s+|last\s+)?(?:segunda|ter[çc]a|quarta|quinta|sexta|s[áa]bado|domingo|lunes|martes|mi[ée]rcoles"
    r"|jueves|viernes|monday|tuesday|wednesday|thursday|friday|semana\s+passada|semana\s+pasada|week)(?:-feira)?"
    r"|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}(?::\d{2}|h)\w*"
)
_AMOUNT = r"(?:\d+|uma?|un[ao]?|dois|duas|dos|tr[eê]s|tres|two|three|a\s+few|alguns|algunas|algunos)"
_UNIT = r"(?:dias?|days?|d[íi]as|horas?|hours?|semanas?|weeks?|mes(?:es)?|m[eê]s|months?|minutos?|minutes?)"
SINCE = re.compile(
    rf"\b(?:desde|since)\s+(?:{_MOMENT})\b|\b(?:h[áa]|faz|hace|for)\s+{_AMOUNT}\s+{_UNIT}\b(?:\s+ago)?"
    rf"|\b{_AMOUNT}\s+{_UNIT}\s+ago\b|\b(?:{_MOMENT})\b",
    re.IGNORECASE,
)
