"""How the console writes dates, instants and money: as people in Almaty write them.

Dates are ``dd.mm.yyyy``; instants are shown in Almaty time; tenge are grouped by threes with a
no-break space and a decimal comma: ``1 234 567,89 ₸``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.calendar import ALMATY

GROUP_SEPARATOR = "\u00a0"  # a no-break space: the groups never wrap apart
TENGE = "₸"


def almaty_day(value: date | datetime | None) -> str:
    """A day as ``31.03.2027`` (an instant is first moved to Almaty); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ALMATY).date()
    return value.strftime("%d.%m.%Y")


def almaty_time(value: datetime | None) -> str:
    """An instant as ``31.03.2027 18:05`` in Almaty; "" for None."""
    if value is None:
        return ""
    return value.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")


def grouped(whole: int) -> str:
    """A whole number grouped by threes: ``1 234 567``."""
    digits = str(abs(whole))
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return ("-" if whole < 0 else "") + GROUP_SEPARATOR.join(reversed(groups))


def kzt(amount: Decimal | int | str | None) -> str:
    """Tenge as ``1 234 567,89 ₸`` (always two decimals); "" for None."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value) * 100, 100)
    return f"{sign}{grouped(int(whole))},{int(cents):02d}{GROUP_SEPARATOR}{TENGE}"


def count(value: int | None) -> str:
    """A count grouped by threes (``12 500``); "" for None."""
    return "" if value is None else grouped(value)


def percent_of_basis_points(value: int | None) -> str:
    """Basis points as a percentage with a decimal comma: 5050 is ``50,50 %``."""
    if value is None:
        return ""
    whole, hundredths = divmod(value, 100)
    return f"{grouped(whole)},{hundredths:02d}{GROUP_SEPARATOR}%"
