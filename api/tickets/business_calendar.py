"""Support centres' business calendars: SLA clocks run in business hours, not wall-clock hours.

Opening hours are local wall-clock times of the centre ("08:00" in Mexico City whatever the
caller's zone); every computation turns them into UTC instants, so a business hour is a real
elapsed hour even across a daylight-saving change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

DEFAULT_PATH = Path(__file__).with_name("calendars.yaml")

_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")
_CALENDAR_KEYS = {"timezone", "holidays_country", "weekly_hours"}


@cache
def _public_holidays(country: str, year: int) -> frozenset[date]:
    """One country's holidays of one year, built on first need: the holidays package is slow to build."""
    return frozenset(holidays.country_holidays(country, years=year))


def _utc(moment: datetime, label: str) -> datetime:
    """The moment in UTC; a naive datetime is refused because its zone would be a guess."""
    if moment.utcoffset() is None:
        raise ValueError(f"{label} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours and holidays of one support centre."""

    name: str
    timezone: str
    holidays_country: str
    weekly_hours: Mapping[int, tuple[tuple[time, time], ...]]
    extra_holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        """Refuse a calendar that would miscount or never open, before any deadline depends on it."""
        where = f"calendar {self.name!r}"
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{where}: timezone {self.timezone!r} is not an IANA time zone name") from error
        if self.holidays_country not in holidays.list_supported_countries():
            raise ValueError(
                f"{where}: holidays_country {self.holidays_country!r} is unknown to the holidays package"
            )
        for weekday, intervals in self.weekly_hours.items():
            if weekday not in range(7):
                raise ValueError(f"{where}: weekday {weekday!r} must be 0 (Monday) to 6 (Sunday)")
            previous_end = time.min
            for opens, closes in intervals:
                span = f"{_WEEKDAY_NAMES[weekday]} {opens:%H:%M}-{closes:%H:%M}"
                if closes <= opens:
                    raise ValueError(f"{where}: interval {span} must end after it starts")
                if opens < previous_end:
                    raise ValueError(f"{where}: interval {span} must start after the previous one ends")
                previous_end = closes
        if not any(self.weekly_hours.values()):
            raise ValueError(f"{where}: weekly_hours must open at least one interval a week")

    @cached_property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_holiday(self, day: date) -> bool:
        """Whether the centre is closed all day for a public holiday or one of its own closure days."""
        return day in self.extra_holidays or day in _public_holidays(self.holidays_country, day.year)

    def is_business_time(self, moment: datetime) -> bool:
        """Whether the SLA clock runs at this moment."""
        instant = _utc(moment, "moment")
        day = instant.astimezone(self._zone).date()
        return any(opens <= instant < closes for opens, closes in self._day_intervals(day))

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The UTC moment when ``hours`` business hours have elapsed from ``start``.

        Counting begins at the next opening when ``start`` is outside business time, so ``hours=0``
        gives the moment the clock starts running.
        """
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        intervals = self._intervals_from(_utc(start, "start"))
        while True:
            opens, closes = next(intervals)
            if remaining <= closes - opens:
                return opens + remaining
            remaining -= closes - opens

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        """Business hours in [start, end): how much of an SLA a ticket has used; 0 when end <= start."""
        start_utc, end_utc = _utc(start, "start"), _utc(end, "end")
        total = timedelta()
        if end_utc > start_utc:
            for opens, closes in self._intervals_from(start_utc):
                if opens >= end_utc:
                    break
                total += min(closes, end_utc) - opens
        return total / timedelta(hours=1)

    def _day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Opening intervals of one local day as UTC instants, so subtraction gives real elapsed time."""
        intervals = self.weekly_hours.get(day.weekday(), ())
        if not intervals or self.is_holiday(day):
            return []
        return [
            (
                datetime.combine(day, opens, self._zone).astimezone(UTC),
                datetime.combine(day, closes, self._zone).astimezone(UTC),
            )
            for opens, closes in intervals
        ]

    def _intervals_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Every non-empty opening interval after ``instant`` (a UTC moment), the first one clipped to it."""
        day = instant.astimezone(self._zone).date()
        while True:
            for opens, closes in self._day_intervals(day):
                if closes > instant:
                    yield max(opens, instant), closes
            day += timedelta(days=1)


@dataclass(frozen=True)
class CalendarBook:
    """All centres' calendars and the rules that pick the one serving a customer."""

    calendars: Mapping[str, BusinessCalendar]
    by_country: Mapping[str, str]
    by_language: Mapping[str, str]
    default: str

    def __post_init__(self) -> None:
        """Refuse a rule naming a missing calendar: it would fail only for the customers it covers."""
        if self.default not in self.calendars:
            raise ValueError(f"default {self.default!r} is not one of the calendars {sorted(self.calendars)}")
        for key, rules in (("by_country", self.by_country), ("by_language", self.by_language)):
            for code, calendar in rules.items():
                if calendar not in self.calendars:
                    raise ValueError(f"{key}.{code} points at calendar {calendar!r}, which is not defined")

    @cached_property
    def _countries(self) -> dict[str, str]:
        return {code.upper(): calendar for code, calendar in self.by_country.items()}

    @cached_property
    def _languages(self) -> dict[str, str]:
        return {tag.lower(): calendar for tag, calendar in self.by_language.items()}

    def for_customer(self, country: str | None = None, language: str | None = None) -> BusinessCalendar:
        """The calendar serving a customer: a known country wins, then the language, then the default.

        Codes are case-insensitive; a language tag such as ``es-AR`` falls back on its primary ``es``.
        """
        name = self._countries.get(country.strip().upper()) if country else None
        if name is None and language:
            tag = language.strip().lower()
            name = self._languages.get(tag) or self._languages.get(tag.split("-")[0])
        return self.calendars[name or self.default]


@lru_cache(maxsize=4)
def load_calendars(path: Path = DEFAULT_PATH) -> CalendarBook:
    """Read and check the calendar book, so a mistake in the file fails at start-up, not at a deadline."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        if not isinstance(raw, dict):
            raise ValueError("the file must hold a mapping with calendars, by_country, by_language, default")
        specs = raw.get("calendars")
        if not isinstance(specs, dict) or not specs:
            raise ValueError("calendars must map each calendar name to its settings")
        if "default" not in raw:
            raise ValueError("default is missing: name the calendar serving customers no rule covers")
        return CalendarBook(
            calendars={str(name): _parse_calendar(str(name), spec) for name, spec in specs.items()},
            by_country=_parse_rules(raw, "by_country"),
            by_language=_parse_rules(raw, "by_language"),
            default=str(raw["default"]),
        )
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error


def _parse_calendar(name: str, spec: Any) -> BusinessCalendar:
    """One calendar from its YAML mapping."""
    where = f"calendar {name!r}"
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: must be a mapping with {', '.join(sorted(_CALENDAR_KEYS))}")
    if missing := _CALENDAR_KEYS - spec.keys():
        raise ValueError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown := spec.keys() - _CALENDAR_KEYS - {"extra_holidays"}:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    weekly = spec["weekly_hours"]
    if not isinstance(weekly, dict):
        raise ValueError(
            f"{where}: weekly_hours must map weekday names ({', '.join(_WEEKDAY_NAMES)}) to intervals"
        )
    extra = spec.get("extra_holidays", [])
    if not isinstance(extra, list) or not all(type(day) is date for day in extra):
        raise ValueError(f"{where}: extra_holidays must be a list of dates written YYYY-MM-DD")
    return BusinessCalendar(
        name=name,
        timezone=str(spec["timezone"]),
        holidays_country=str(spec["holidays_country"]),
        weekly_hours={
            _parse_weekday(where, day): _parse_intervals(where, day, intervals)
            for day, intervals in weekly.items()
        },
        extra_holidays=frozenset(extra),
    )


def _parse_weekday(where: str, day: Any) -> int:
    """Weekday number of a YAML weekday name."""
    if day not in _WEEKDAY_NAMES:
        raise ValueError(
            f"{where}: weekly_hours has unknown weekday {day!r}; use {', '.join(_WEEKDAY_NAMES)}"
        )
    return _WEEKDAY_NAMES.index(day)


def _parse_intervals(where: str, day: str, intervals: Any) -> tuple[tuple[time, time], ...]:
    """Opening intervals of one weekday from their "HH:MM-HH:MM" texts."""
    if not isinstance(intervals, list):
        raise ValueError(f'{where}: weekly_hours.{day} must be a list of "HH:MM-HH:MM" intervals')
    parsed = []
    for text in intervals:
        match = _INTERVAL.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f'{where}: weekly_hours.{day} interval {text!r} is not "HH:MM-HH:MM"')
        start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
        parsed.append((time(start_hour, start_minute), time(end_hour, end_minute)))
    return tuple(parsed)


def _parse_rules(raw: dict[str, Any], key: str) -> dict[str, str]:
    """A code -> calendar mapping; codes must stay strings (unquoted NO would read as a boolean)."""
    rules = raw.get(key, {})
    if not isinstance(rules, dict) or not all(
        isinstance(code, str) and isinstance(calendar, str) for code, calendar in rules.items()
    ):
        raise ValueError(f"{key} must map codes to calendar names; quote codes YAML reads otherwise (NO, ON)")
    return rules
