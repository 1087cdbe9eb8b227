"""SLA deadlines count business hours of the support centre serving the customer (12 a day, Mon-Fri).

The dates are fixed in 2026. Mexico City (UTC-6) and São Paulo (UTC-3) keep no daylight-saving time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from api.tickets.business_calendar import DEFAULT_PATH, BusinessCalendar, CalendarBook, load_calendars

MEXICO_CITY = ZoneInfo("America/Mexico_City")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NEW_YORK = ZoneInfo("America/New_York")

BOOK = load_calendars()
MX = BOOK.calendars["MX"]
BR = BOOK.calendars["BR"]

WEEKDAYS_9_TO_6_WITH_LUNCH = BusinessCalendar(
    name="lunch",
    timezone="America/Mexico_City",
    holidays_country="MX",
    weekly_hours={weekday: ((time(9), time(13)), (time(14), time(18))) for weekday in range(5)},
)


def mexico(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), MEXICO_CITY)


def brazil(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SAO_PAULO)


# A quiet week in Mexico: Monday 2 March 2026 to Monday 9 March, no holiday.
MONDAY, WEDNESDAY, FRIDAY, SATURDAY = date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 7)
NEXT_MONDAY, NEXT_WEDNESDAY = date(2026, 3, 9), date(2026, 3, 11)


def test_sixty_business_hours_from_monday_nine_end_next_monday_at_nine() -> None:
    # Mon 09-20 is 11 h, Tue-Fri 48 h more (59 h), the last hour is Monday 08-09.
    assert MX.add_business_hours(mexico(MONDAY, 9), 60) == mexico(NEXT_MONDAY, 9)


def test_eighty_four_business_hours_are_seven_business_days() -> None:
    assert MX.add_business_hours(mexico(MONDAY, 9), 84) == mexico(NEXT_WEDNESDAY, 9)


def test_a_start_on_friday_evening_rolls_over_the_weekend() -> None:
    # One hour on Friday 19-20, the second on Monday 08-09.
    assert MX.add_business_hours(mexico(FRIDAY, 19), 2) == mexico(NEXT_MONDAY, 9)


def test_a_start_on_saturday_begins_counting_at_monday_opening() -> None:
    assert MX.add_business_hours(mexico(SATURDAY, 10), 0) == mexico(NEXT_MONDAY, 8)
    assert MX.add_business_hours(mexico(SATURDAY, 10), 1) == mexico(NEXT_MONDAY, 9)


def test_zero_hours_inside_business_time_is_the_start_itself() -> None:
    assert MX.add_business_hours(mexico(MONDAY, 10, 30), 0) == mexico(MONDAY, 10, 30)


def test_the_day_is_open_from_eight_until_just_before_eight_in_the_evening() -> None:
    assert not MX.is_business_time(mexico(MONDAY, 7, 59))
    assert MX.is_business_time(mexico(MONDAY, 8))
    assert MX.is_business_time(mexico(MONDAY, 19, 59))
    assert not MX.is_business_time(mexico(MONDAY, 20))
    assert not MX.is_business_time(mexico(SATURDAY, 12))
    # A deadline may fall on closing time itself rather than jump to the next morning.
    assert MX.add_business_hours(mexico(MONDAY, 19), 1) == mexico(MONDAY, 20)


def test_results_are_returned_in_utc() -> None:
    deadline = MX.add_business_hours(mexico(MONDAY, 9), 60)
    assert deadline.tzinfo is UTC
    assert deadline == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_mexican_independence_day_is_skipped() -> None:
    tuesday, independence_day, thursday = date(2026, 9, 15), date(2026, 9, 16), date(2026, 9, 17)
    assert MX.is_holiday(independence_day)
    assert not MX.is_business_time(mexico(independence_day, 10))
    assert MX.add_business_hours(mexico(tuesday, 19), 2) == mexico(thursday, 9)
    # Monday 14 09:00 + 60 h: without the holiday it would be Monday 21 09:00, with it Tuesday 22.
    assert MX.add_business_hours(mexico(date(2026, 9, 14), 9), 60) == mexico(date(2026, 9, 22), 9)


def test_brazilian_black_awareness_day_is_skipped() -> None:
    thursday, black_awareness_day, monday = date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)
    assert BR.is_holiday(black_awareness_day)
    assert BR.add_business_hours(brazil(thursday, 19), 2) == brazil(monday, 9)


def test_each_centre_closes_only_for_its_own_country_holidays() -> None:
    assert not BR.is_holiday(date(2026, 9, 16))
    assert not MX.is_holiday(date(2026, 11, 20))
    assert MX.add_business_hours(mexico(date(2026, 11, 19), 19), 2) == mexico(date(2026, 11, 20), 9)


def test_the_same_instant_gets_different_deadlines_in_mexico_and_brazil() -> None:
    # 12:00 UTC is 06:00 in Mexico City (still closed) and 09:00 in São Paulo (open).
    instant = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert MX.add_business_hours(instant, 1) == mexico(MONDAY, 9) == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert BR.add_business_hours(instant, 1) == brazil(MONDAY, 10) == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def test_an_input_in_another_time_zone_is_read_in_the_centre_time() -> None:
    # Tuesday 00:00 in Tokyo is Monday 09:00 in Mexico City.
    tokyo_midnight = datetime(2026, 3, 3, 0, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert MX.is_business_time(tokyo_midnight)
    assert MX.add_business_hours(tokyo_midnight, 60) == mexico(NEXT_MONDAY, 9)
    # Friday 23:30 UTC is Friday 17:30 in Mexico City: 2.5 h left that day, 0.5 h on Monday.
    friday_late_utc = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)
    assert MX.add_business_hours(friday_late_utc, 3) == mexico(NEXT_MONDAY, 8, 30)


@pytest.mark.parametrize(
    ("calendar", "start", "hours"),
    [
        (MX, mexico(MONDAY, 9), 60),
        (MX, mexico(MONDAY, 12, 34), 1000.75),
        (MX, mexico(FRIDAY, 19), 2),
        (MX, mexico(SATURDAY, 10), 13.5),
        (MX, mexico(date(2026, 9, 15), 19), 2),
        (MX, mexico(date(2026, 9, 16), 10), 0.25),
        (BR, brazil(date(2026, 11, 19), 19), 84),
        (WEEKDAYS_9_TO_6_WITH_LUNCH, mexico(MONDAY, 12), 7.5),
    ],
)
def test_business_hours_between_undoes_add_business_hours(
    calendar: BusinessCalendar, start: datetime, hours: float
) -> None:
    assert calendar.business_hours_between(start, calendar.add_business_hours(start, hours)) == hours


def test_business_hours_between_counts_only_open_time() -> None:
    assert MX.business_hours_between(mexico(FRIDAY, 19), mexico(NEXT_MONDAY, 9)) == 2
    assert MX.business_hours_between(mexico(SATURDAY, 0), mexico(NEXT_MONDAY, 8)) == 0
    assert MX.business_hours_between(mexico(MONDAY, 0), mexico(NEXT_MONDAY, 0)) == 60
    assert MX.business_hours_between(mexico(NEXT_MONDAY, 9), mexico(MONDAY, 9)) == 0


def test_a_lunch_break_is_not_business_time() -> None:
    calendar = WEEKDAYS_9_TO_6_WITH_LUNCH
    assert not calendar.is_business_time(mexico(MONDAY, 13, 30))
    assert calendar.is_business_time(mexico(MONDAY, 14))
    # One hour before lunch, the second after it.
    assert calendar.add_business_hours(mexico(MONDAY, 12), 2) == mexico(MONDAY, 15)
    assert calendar.business_hours_between(mexico(MONDAY, 9), mexico(MONDAY, 18)) == 8


def test_extra_holidays_close_the_centre_all_day() -> None:
    calendar = BusinessCalendar(
        name="MX",
        timezone="America/Mexico_City",
        holidays_country="MX",
        weekly_hours=MX.weekly_hours,
        extra_holidays=frozenset({WEDNESDAY}),
    )
    assert calendar.is_holiday(WEDNESDAY)
    assert calendar.add_business_hours(mexico(MONDAY, 9), 60) == mexico(date(2026, 3, 10), 9)


@pytest.mark.parametrize(
    ("night_start", "open_hours"),
    [
        (datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK), 5),  # clocks spring forward at 02:00
        (datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK), 7),  # clocks fall back at 02:00
    ],
)
def test_business_hours_are_real_elapsed_hours_across_daylight_saving_changes(
    night_start: datetime, open_hours: float
) -> None:
    sunday_nights = BusinessCalendar(
        name="night",
        timezone="America/New_York",
        holidays_country="US",
        weekly_hours={6: ((time(0), time(6)),)},
    )
    six_am = night_start.replace(hour=6)
    assert sunday_nights.business_hours_between(night_start, six_am) == open_hours
    assert sunday_nights.add_business_hours(night_start, open_hours) == six_am


def test_ten_thousand_business_hours_can_be_computed() -> None:
    deadline = MX.add_business_hours(mexico(MONDAY, 9), 10_000)
    assert MX.business_hours_between(mexico(MONDAY, 9), deadline) == 10_000


@pytest.mark.parametrize(
    "call",
    [
        lambda: MX.is_business_time(datetime(2026, 3, 2, 9, 0)),
        lambda: MX.add_business_hours(datetime(2026, 3, 2, 9, 0), 1),
        lambda: MX.business_hours_between(datetime(2026, 3, 2, 9, 0), mexico(MONDAY, 10)),
        lambda: MX.business_hours_between(mexico(MONDAY, 9), datetime(2026, 3, 2, 10, 0)),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="must be timezone-aware"):
        call()


def test_negative_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        MX.add_business_hours(mexico(MONDAY, 9), -1)


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("br", None, "BR"),
        (None, "pt-BR", "BR"),
        (None, "PT-br", "BR"),
        ("AR", None, "MX"),
        (None, "es", "MX"),
        ("MX", "pt-BR", "MX"),  # a known country wins over the language
        ("DE", "pt-BR", "BR"),  # an unknown country leaves the choice to the language
        ("DE", "fr", "MX"),
        (None, None, "MX"),
    ],
)
def test_the_customer_country_then_language_pick_the_calendar(
    country: str | None, language: str | None, expected: str
) -> None:
    assert BOOK.for_customer(country=country, language=language).name == expected


def test_a_regional_language_tag_falls_back_on_its_primary_language() -> None:
    book = CalendarBook(calendars={"MX": MX, "BR": BR}, by_country={}, by_language={"es": "MX"}, default="BR")
    assert book.for_customer(language="es-AR").name == "MX"


def test_extra_holidays_can_be_listed_in_the_file(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["calendars"]["MX"]["extra_holidays"] = [WEDNESDAY]
    path = tmp_path / "calendars.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_calendars(path).calendars["MX"].is_holiday(WEDNESDAY)


_DELETE = object()


@pytest.mark.parametrize(
    ("keys", "value", "message"),
    [
        (("calendars", "MX", "weekly_hours", "monday"), ["08:00-20:00"], "'MX'.*unknown weekday 'monday'"),
        (
            ("calendars", "MX", "weekly_hours", "mon"),
            ["8-20"],
            "'MX'.*weekly_hours.mon interval '8-20' is not",
        ),
        (("calendars", "MX", "weekly_hours", "mon"), ["08:00-24:00"], "'MX'.*'08:00-24:00' is not \"HH:MM"),
        (("calendars", "MX", "weekly_hours", "tue"), ["20:00-08:00"], "'MX'.*tue 20:00-08:00 must end after"),
        (("calendars", "MX", "weekly_hours", "thu"), ["12:00-12:00"], "'MX'.*thu 12:00-12:00 must end after"),
        (
            ("calendars", "MX", "weekly_hours", "wed"),
            ["08:00-13:00", "12:00-20:00"],
            "'MX'.*wed 12:00-20:00 must start after the previous one ends",
        ),
        (("calendars", "MX", "weekly_hours"), {}, "'MX'.*must open at least one interval"),
        (("calendars", "BR", "timezone"), "America/Atlantis", "'BR'.*timezone 'America/Atlantis' is not"),
        (("calendars", "BR", "holidays_country"), "XX", "'BR'.*holidays_country 'XX' is unknown"),
        (("calendars", "BR", "timezone"), _DELETE, "'BR'.*missing timezone"),
        (("calendars", "BR", "weekly_hour"), {"mon": ["08:00-20:00"]}, "'BR'.*unknown keys weekly_hour"),
        (("by_country", "AR"), "AR", "by_country.AR points at calendar 'AR', which is not defined"),
        (("by_language", "es"), "ES", "by_language.es points at calendar 'ES', which is not defined"),
        (("default",), _DELETE, "default is missing"),
        (("default",), "CO", "default 'CO' is not one of the calendars"),
    ],
)
def test_a_mistake_in_the_calendar_file_is_named(
    tmp_path: Path, keys: tuple[str, ...], value: Any, message: str
) -> None:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    *parents, last = keys
    target = data
    for key in parents:
        target = target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    path = tmp_path / "calendars.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        load_calendars(path)
    assert str(path) in str(error.value)
