"""OKED codes: Kazakhstan's classifier of economic activities (ОКЭД).

Its sections and 2-digit divisions follow NACE Rev.2, and the zone's rules match on the division
(DOMAIN.md §2). A code is a division (``62``), optionally with a group and class (``62.01`` or
``6201``) and a subclass (``62.01.0`` or ``62010``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import InvalidInput
from domain.legal_basis import REG_3

# NACE Rev.2 sections, A to U.
SECTIONS: dict[str, str] = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation activities",
    "F": "Construction",
    "G": "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support service activities",
    "O": "Public administration and defence; compulsory social security",
    "P": "Education",
    "Q": "Human health and social work activities",
    "R": "Arts, entertainment and recreation",
    "S": "Other service activities",
    "T": "Activities of households as employers; undifferentiated goods- and services-producing "
    "activities of households for own use",
    "U": "Activities of extraterritorial organisations and bodies",
}

# NACE Rev.2 divisions: code -> (section, title). Codes missing here (04, 34, 40, ...) do not exist.
DIVISIONS: dict[str, tuple[str, str]] = {
    "01": ("A", "Crop and animal production, hunting and related service activities"),
    "02": ("A", "Forestry and logging"),
    "03": ("A", "Fishing and aquaculture"),
    "05": ("B", "Mining of coal and lignite"),
    "06": ("B", "Extraction of crude petroleum and natural gas"),
    "07": ("B", "Mining of metal ores"),
    "08": ("B", "Other mining and quarrying"),
    "09": ("B", "Mining support service activities"),
    "10": ("C", "Manufacture of food products"),
    "11": ("C", "Manufacture of beverages"),
    "12": ("C", "Manufacture of tobacco products"),
    "13": ("C", "Manufacture of textiles"),
    "14": ("C", "Manufacture of wearing apparel"),
    "15": ("C", "Manufacture of leather and related products"),
    "16": (
        "C",
        "Manufacture of wood and of products of wood and cork, except furniture; "
        "manufacture of articles of straw and plaiting materials",
    ),
    "17": ("C", "Manufacture of paper and paper products"),
    "18": ("C", "Printing and reproduction of recorded media"),
    "19": ("C", "Manufacture of coke and refined petroleum products"),
    "20": ("C", "Manufacture of chemicals and chemical products"),
    "21": ("C", "Manufacture of basic pharmaceutical products and pharmaceutical preparations"),
    "22": ("C", "Manufacture of rubber and plastic products"),
    "23": ("C", "Manufacture of other non-metallic mineral products"),
    "24": ("C", "Manufacture of basic metals"),
    "25": ("C", "Manufacture of fabricated metal products, except machinery and equipment"),
    "26": ("C", "Manufacture of computer, electronic and optical products"),
    "27": ("C", "Manufacture of electrical equipment"),
    "28": ("C", "Manufacture of machinery and equipment n.e.c."),
    "29": ("C", "Manufacture of motor vehicles, trailers and semi-trailers"),
    "30": ("C", "Manufacture of other transport equipment"),
    "31": ("C", "Manufacture of furniture"),
    "32": ("C", "Other manufacturing"),
    "33": ("C", "Repair and installation of machinery and equipment"),
    "35": ("D", "Electricity, gas, steam and air conditioning supply"),
    "36": ("E", "Water collection, treatment and supply"),
    "37": ("E", "Sewerage"),
    "38": ("E", "Waste collection, treatment and disposal activities; materials recovery"),
    "39": ("E", "Remediation activities and other waste management services"),
    "41": ("F", "Construction of buildings"),
    "42": ("F", "Civil engineering"),
    "43": ("F", "Specialised construction activities"),
    "45": ("G", "Wholesale and retail trade and repair of motor vehicles and motorcycles"),
    "46": ("G", "Wholesale trade, except of motor vehicles and motorcycles"),
    "47": ("G", "Retail trade, except of motor vehicles and motorcycles"),
    "49": ("H", "Land transport and transport via pipelines"),
    "50": ("H", "Water transport"),
    "51": ("H", "Air transport"),
    "52": ("H", "Warehousing and support activities for transportation"),
    "53": ("H", "Postal and courier activities"),
    "55": ("I", "Accommodation"),
    "56": ("I", "Food and beverage service activities"),
    "58": ("J", "Publishing activities"),
    "59": (
        "J",
        "Motion picture, video and television programme production, sound recording and music "
        "publishing activities",
    ),
    "60": ("J", "Programming and broadcasting activities"),
    "61": ("J", "Telecommunications"),
    "62": ("J", "Computer programming, consultancy and related activities"),
    "63": ("J", "Information service activities"),
    "64": ("K", "Financial service activities, except insurance and pension funding"),
    "65": (
        "K",
        "Insurance, reinsurance and pension funding, except compulsory social security",
    ),
    "66": ("K", "Activities auxiliary to financial services and insurance activities"),
    "68": ("L", "Real estate activities"),
    "69": ("M", "Legal and accounting activities"),
    "70": ("M", "Activities of head offices; management consultancy activities"),
    "71": ("M", "Architectural and engineering activities; technical testing and analysis"),
    "72": ("M", "Scientific research and development"),
    "73": ("M", "Advertising and market research"),
    "74": ("M", "Other professional, scientific and technical activities"),
    "75": ("M", "Veterinary activities"),
    "77": ("N", "Rental and leasing activities"),
    "78": ("N", "Employment activities"),
    "79": (
        "N",
        "Travel agency, tour operator and other reservation service and related activities",
    ),
    "80": ("N", "Security and investigation activities"),
    "81": ("N", "Services to buildings and landscape activities"),
    "82": ("N", "Office administrative, office support and other business support activities"),
    "84": ("O", "Public administration and defence; compulsory social security"),
    "85": ("P", "Education"),
    "86": ("Q", "Human health activities"),
    "87": ("Q", "Residential care activities"),
    "88": ("Q", "Social work activities without accommodation"),
    "90": ("R", "Creative, arts and entertainment activities"),
    "91": ("R", "Libraries, archives, museums and other cultural activities"),
    "92": ("R", "Gambling and betting activities"),
    "93": ("R", "Sports activities and amusement and recreation activities"),
    "94": ("S", "Activities of membership organisations"),
    "95": ("S", "Repair of computers and personal and household goods"),
    "96": ("S", "Other personal service activities"),
    "97": ("T", "Activities of households as employers of domestic personnel"),
    "98": (
        "T",
        "Undifferentiated goods- and services-producing activities of private households for "
        "own use",
    ),
    "99": ("U", "Activities of extraterritorial organisations and bodies"),
}

# Division, then group and class (one or two digits), then subclass; dots optional.
_CODE = re.compile(r"^(?P<division>\d{2})(?:\.?(?P<klass>\d{1,2})(?:\.?(?P<subclass>\d))?)?$")


def divisions_of(section: str) -> frozenset[str]:
    """The division codes of a NACE Rev.2 section (``"J"`` -> 58..63)."""
    return frozenset(code for code, (sec, _) in DIVISIONS.items() if sec == section)


class OkedCode(BaseModel):
    """A parsed OKED code. ``code`` is normalised with dots: ``62``, ``62.01``, ``62.01.0``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^\d{2}(\.\d{1,2}(\.\d)?)?$")
    division: str = Field(pattern=r"^\d{2}$")
    section: str = Field(pattern=r"^[A-U]$")

    @property
    def division_title(self) -> str:
        return DIVISIONS[self.division][1]

    @property
    def section_title(self) -> str:
        return SECTIONS[self.section]


def parse_oked(code: str) -> OkedCode:
    """Read an OKED code (``62``, ``62.01``, ``6201``, ``62.01.0``, ``62010``).

    Raises:
        InvalidInput: field ``"oked_code"``, if the code is malformed or its division does not
            exist in NACE Rev.2.
    """
    text = code.strip()
    match = _CODE.match(text) if text.isascii() else None
    if match is not None and match["subclass"] is not None and len(match["klass"]) != 2:
        match = None  # a subclass follows a 4-digit class (62.01.0), never a group (62.0)
    if match is None:
        raise InvalidInput(
            f"OKED code {code!r} is malformed: expected a 2-digit division, optionally with "
            "group/class and subclass, e.g. 62, 62.01 or 62.01.0",
            (REG_3,),
            code="invalid_oked",
            field="oked_code",
        )
    division = match["division"]
    entry = DIVISIONS.get(division)
    if entry is None:
        raise InvalidInput(
            f"OKED code {code!r}: division {division} does not exist",
            (REG_3,),
            code="invalid_oked",
            field="oked_code",
        )
    normalised = division
    if match["klass"] is not None:
        normalised += "." + match["klass"]
        if match["subclass"] is not None:
            normalised += "." + match["subclass"]
    return OkedCode(code=normalised, division=division, section=entry[0])
