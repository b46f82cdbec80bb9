"""How the `pit` commands write dates, instants and money: as people in Almaty write them.

Dates ``dd.mm.yyyy`` in Almaty; instants ``dd.mm.yyyy HH:MM`` in Almaty; tenge grouped by threes
with a space and a decimal comma, ``1 234 567,89 ₸``. The API's JSON gives them as ISO text and
decimal strings; these take that text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from domain.calendar import ALMATY

GROUP_SEPARATOR = "\u00a0"  # a no-break space: a terminal never wraps a number apart


def day(value: str | None) -> str:
    """An ISO date, or an instant moved to Almaty, as ``31.03.2027``; "" for none."""
    if not value:
        return ""
    if "T" in value:
        return datetime.fromisoformat(value).astimezone(ALMATY).strftime("%d.%m.%Y")
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def instant(value: str | None) -> str:
    """An ISO instant as ``31.03.2027 18:05`` in Almaty; "" for none."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")


def grouped(whole: int) -> str:
    """A whole number grouped by threes: ``1 234 567``."""
    return f"{whole:,}".replace(",", GROUP_SEPARATOR)


def kzt(amount: str | int | None) -> str:
    """Tenge as ``1 234 567,89 ₸``; a value that is no number is shown as it came."""
    if amount is None:
        return ""
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(amount)
    whole, cents = divmod(abs(value) * 100, 100)
    sign = "-" if value < 0 else ""
    return f"{sign}{grouped(int(whole))},{int(cents):02d}{GROUP_SEPARATOR}₸"


def percent_of_basis_points(value: int | None) -> str:
    """Basis points as a percentage with a decimal comma: 5050 is ``50,50 %``."""
    if value is None:
        return ""
    whole, hundredths = divmod(value, 100)
    return f"{whole},{hundredths:02d}{GROUP_SEPARATOR}%"
