"""The applicants of `pit up --demo`: invented Almaty technology companies, plausible in every
field screening checks (BINs with their check digit, OKED codes, obligations in KZT).

Any likeness to a registered company is chance: the names and numbers are made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.agreement.values import GoodsConsumption
from domain.agreement.vocabulary import FreeZoneOperation, GoodsCategory
from domain.application import (
    ApplicantKind,
    ApplicationForm,
    Contacts,
    PriorityArea,
    YearObligations,
    term_years,
)
from domain.bin import bin_check_digit

ALATAU = "пос. Алатау, Медеуский район, г. Алматы, ул. Ибрагимова, 9"
THOUSAND = Decimal(1000)


def demo_bin(registered: str, serial: int) -> str:
    """A resident legal entity's head-office BIN: ``registered`` is YYMM, the check digit the
    domain's own (DOMAIN.md §2).

    Raises:
        ValueError: no check digit is valid for these digits; take another serial.
    """
    first_eleven = f"{registered}40{serial:05d}"  # 4: resident legal entity; 0: head office
    check = bin_check_digit(first_eleven)
    if check is None:
        raise ValueError(f"no BIN starts with {first_eleven}: take another serial")
    return f"{first_eleven}{check}"


@dataclass(frozen=True)
class AnnualPlan:
    """What a company promises for a full year; a first, shorter year gets its share."""

    investment_foreign_kzt: Decimal
    investment_domestic_kzt: Decimal
    production_volume_kzt: Decimal
    jobs: int
    kz_content_bp: int

    def for_year(self, year: int, start: date) -> YearObligations:
        """The obligations of ``year`` in a term starting on ``start``: money pro rata to the
        months left in a first, shorter year; at least half the jobs from the first year."""
        months = 12 - start.month + 1 if year == start.year else 12
        share = Decimal(months) / 12
        jobs = self.jobs if months == 12 else max(1, (self.jobs + 1) // 2)

        def part(amount: Decimal) -> Decimal:
            return (amount * share / THOUSAND).quantize(Decimal(1)) * THOUSAND

        return YearObligations(
            year=year,
            investment_foreign_kzt=part(self.investment_foreign_kzt),
            investment_domestic_kzt=part(self.investment_domestic_kzt),
            production_volume_kzt=part(self.production_volume_kzt),
            jobs=jobs,
            kz_content_bp=self.kz_content_bp,
        )


@dataclass(frozen=True)
class Company:
    """One applicant: who it is, what it does, what it promises, which goods it imports."""

    number: int  # the demo agreement's number: demo-001...
    name: str
    registered: str  # YYMM of its state registration, the BIN's first digits
    serial: int
    oked_code: str
    priority_area: PriorityArea
    project: str
    email: str
    phone: str
    contact_person: str
    plan: AnnualPlan
    address: str = ALATAU
    kind: ApplicantKind = ApplicantKind.COMPANY
    on_territory: bool = True
    excisable_goods: bool = False
    goods: tuple[GoodsConsumption, ...] = field(default=())

    @property
    def agreement_id(self) -> str:
        return f"demo-{self.number:03d}"

    @property
    def bin(self) -> str:
        return demo_bin(self.registered, self.serial)

    def form(self, start: date, end: date, **changes: object) -> ApplicationForm:
        """The company's application for a term from ``start`` to ``end``."""
        fields: dict[str, object] = {
            "bin": self.bin,
            "name": self.name,
            "applicant_kind": self.kind,
            "contacts": Contacts(
                email=self.email,
                phone=self.phone,
                address=self.address,
                contact_person=self.contact_person,
            ),
            "oked_code": self.oked_code,
            "priority_area": self.priority_area,
            "excisable_goods": self.excisable_goods,
            "project_description": self.project,
            "on_territory": self.on_territory,
            "planned_obligations": tuple(
                self.plan.for_year(year, start) for year in term_years(start, end)
            ),
            "requested_start": start,
            "requested_end": end,
        }
        fields.update(changes)
        return ApplicationForm.model_validate(fields)


def _plan(foreign: str, domestic: str, production: str, jobs: int, kz_bp: int) -> AnnualPlan:
    return AnnualPlan(Decimal(foreign), Decimal(domestic), Decimal(production), jobs, kz_bp)


def _goods(
    description: str,
    hs_code: str,
    quantity: tuple[str, str],
    value_kzt: str,
    consumption: str,
    category: GoodsCategory = GoodsCategory.PRODUCTION,
    operation: FreeZoneOperation = FreeZoneOperation.OPERATION_AND_USE,
    unit: str = "шт",
) -> GoodsConsumption:
    imported, consumed = quantity
    return GoodsConsumption(
        description=description,
        hs_code=hs_code,
        unit=unit,
        quantity_imported=Decimal(imported),
        value_imported_kzt=Decimal(value_kzt),
        quantity_consumed=Decimal(consumed),
        consumption=consumption,
        category=category,
        operation=operation,
        excisable=False,
    )


COMPANIES: tuple[Company, ...] = (
    Company(
        1,
        "ТОО «Алатау Софт Лабс»",
        "1503",
        1187,
        "62.01",
        PriorityArea.ICT,
        "Разработка платформы управления перевозками для логистических компаний "
        "Центральной Азии: маршрутизация, отслеживание грузов, электронные накладные.",
        "office@alatau-softlabs.kz",
        "+7 727 356 14 20",
        "Сейткали Арман Муратович",
        _plan("120000000", "280000000", "650000000", 48, 7200),
        goods=(
            _goods(
                "Серверы стоечные 2U для лаборатории разработки",
                "8471500000",
                ("12", "10"),
                "54000000",
                "10 серверов установлены в серверной лаборатории и эксплуатируются, 2 в резерве",
            ),
        ),
    ),
    Company(
        2,
        "ТОО «Медеу Дата Центр»",
        "1709",
        4420,
        "63.11",
        PriorityArea.ICT,
        "Центр обработки данных уровня Tier III на территории СЭЗ: колокация и облачные "
        "сервисы для банков и государственных организаций Казахстана.",
        "info@medeu-dc.kz",
        "+7 727 311 08 55",
        "Жумабекова Айгуль Сериковна",
        _plan("900000000", "1400000000", "1100000000", 35, 5500),
        goods=(
            _goods(
                "Системы хранения данных корпоративного класса",
                "8471700000",
                ("6", "6"),
                "96500000",
                "смонтированы в машинном зале ЦОД и введены в эксплуатацию",
            ),
            _goods(
                "Источники бесперебойного питания 160 кВА",
                "8504403009",
                ("4", "2"),
                "38200000",
                "два установлены в энергоцентре ЦОД, два хранятся на складе СЭЗ",
                category=GoodsCategory.CONSTRUCTION,
            ),
        ),
    ),
    Company(
        3,
        "ТОО «Тенгри Микроэлектроника»",
        "1102",
        2291,
        "26.11",
        PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING,
        "Производство печатных узлов и модулей промышленной электроники для приборов учета "
        "энергоресурсов, с собственным конструкторским бюро.",
        "sales@tengri-micro.kz",
        "+7 727 339 72 10",
        "Ахметов Ерлан Болатович",
        _plan("1500000000", "600000000", "2400000000", 120, 4500),
        goods=(
            _goods(
                "Линия поверхностного монтажа печатных плат",
                "8486200000",
                ("1", "1"),
                "410000000",
                "смонтирована в производственном корпусе, запущена в серийное производство",
                operation=FreeZoneOperation.CONSTRUCTION_AND_PRODUCTION_TECHNOLOGY,
                unit="компл",
            ),
        ),
    ),
    Company(
        4,
        "ТОО «Жетысу Инжиниринг»",
        "1906",
        3315,
        "71.12",
        PriorityArea.RENEWABLE_ENERGY_AND_RESOURCE_SAVING,
        "Инжиниринг солнечных и ветровых электростанций: проектирование, расчет выработки, "
        "цифровые двойники станций.",
        "mail@zhetysu-eng.kz",
        "+7 727 350 41 77",
        "Нурланова Динара Кайратовна",
        _plan("40000000", "160000000", "380000000", 30, 8500),
    ),
    Company(
        5,
        "ТОО «Шымбулак Интерактив»",
        "2011",
        875,
        "58.21",
        PriorityArea.ICT,
        "Разработка мобильных игр и образовательных приложений на казахском языке для "
        "детей школьного возраста.",
        "hello@shymbulak-interactive.kz",
        "+7 701 555 20 31",
        "Касымов Тимур Адилетович",
        _plan("0", "90000000", "210000000", 30, 9000),
    ),
    Company(
        6,
        "АО «Байтерек Телеком Системс»",
        "0804",
        6124,
        "61.10",
        PriorityArea.TELECOMMUNICATIONS,
        "Сеть передачи данных нового поколения для промышленных объектов: частные сети LTE "
        "и 5G, опорная волоконно-оптическая сеть в Алматинской области.",
        "info@baiterek-telecom.kz",
        "+7 727 258 90 00",
        "Омаров Руслан Ерикович",
        _plan("2100000000", "1800000000", "3200000000", 85, 5000),
    ),
    Company(
        7,
        "ТОО «Номад Финтех Солюшнс»",
        "2102",
        1450,
        "62.02",
        PriorityArea.ICT,
        "Консалтинг и внедрение систем антифрод-мониторинга и открытого банкинга для банков "
        "второго уровня и микрофинансовых организаций.",
        "contact@nomad-fintech.kz",
        "+7 727 344 12 68",
        "Абенова Салтанат Маратовна",
        _plan("250000000", "150000000", "520000000", 40, 6800),
    ),
    Company(
        8,
        "ТОО «НИИ робототехники и мехатроники»",
        "1304",
        7762,
        "72.19",
        PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING,
        "Научные исследования и опытно-конструкторские работы в области промышленных "
        "манипуляторов и систем машинного зрения для горнодобывающей отрасли.",
        "niir@robotics-institute.kz",
        "+7 727 293 55 40",
        "Байжанов Нурлан Сапарович",
        _plan("0", "210000000", "95000000", 26, 9500),
        kind=ApplicantKind.RESEARCH_INSTITUTE,
    ),
    Company(
        9,
        "ТОО «Кок-Тобе Геоинформатика»",
        "2203",
        338,
        "58.29",
        PriorityArea.ICT,
        "Издание геоинформационного программного обеспечения для акиматов: учет земель, "
        "инженерных сетей и объектов городского хозяйства по спутниковым данным.",
        "gis@koktobe-geo.kz",
        "+7 727 225 67 03",
        "Сулейменов Данияр Асхатович",
        _plan("30000000", "110000000", "240000000", 22, 8800),
        address="г. Алматы, Бостандыкский район, пр. Аль-Фараби, 17, БЦ «Нурлы Тау»",
        on_territory=False,
    ),
    Company(
        10,
        "ТОО «Аль-Фараби Биофарм»",
        "1810",
        5071,
        "21.20",
        PriorityArea.MATERIALS,
        "Производство биотехнологических лекарственных препаратов (инсулины, вакцины) по "
        "стандартам GMP с локализацией фасовки и упаковки.",
        "office@alfarabi-biopharm.kz",
        "+7 727 390 11 29",
        "Искакова Жанар Ермековна",
        _plan("3200000000", "1100000000", "2800000000", 140, 3500),
    ),
    Company(
        11,
        "ТОО «Сункар Солар Технолоджис»",
        "2304",
        219,
        "27.11",
        PriorityArea.RENEWABLE_ENERGY_AND_RESOURCE_SAVING,
        "Сборка инверторов и контроллеров для солнечных электростанций малой мощности с "
        "собственной разработкой программного обеспечения.",
        "info@sunkar-solar.kz",
        "+7 727 313 48 02",
        "Мусин Азамат Женисович",
        _plan("600000000", "400000000", "1300000000", 64, 4200),
    ),
    Company(
        12,
        "ТОО «Алмалы Спиртпром»",
        "1607",
        9035,
        "11.01",
        PriorityArea.MATERIALS,
        "Производство крепких алкогольных напитков с автоматизированной линией розлива и "
        "системой учета акцизных марок.",
        "zakaz@almaly-spirt.kz",
        "+7 727 279 30 64",
        "Петров Сергей Николаевич",
        _plan("0", "700000000", "1900000000", 75, 6000),
        excisable_goods=True,
    ),
    Company(
        13,
        "ТОО «Капшагай Логистик Сервис»",
        "1412",
        4477,
        "62.01",
        PriorityArea.ICT,
        "Складской комплекс класса А у трассы Алматы — Конаев с собственной системой "
        "управления складом.",
        "wms@kapshagay-logistic.kz",
        "+7 727 272 84 19",
        "Токтаров Бауыржан Ерланович",
        _plan("0", "2500000000", "900000000", 110, 7000),
    ),
    Company(
        14,
        "ТОО «Орбита Навигейшн»",
        "1205",
        6612,
        "26.51",
        PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING,
        "Производство приемников спутниковой навигации ГЛОНАСС/GPS и систем мониторинга "
        "транспорта.",
        "orbita@orbita-nav.kz",
        "+7 727 330 26 91",
        "Ким Виктор Александрович",
        _plan("300000000", "250000000", "800000000", 45, 5200),
    ),
    Company(
        15,
        "ТОО «Самал Клауд»",
        "2109",
        1503,
        "63.11",
        PriorityArea.ICT,
        "Облачная платформа для малого бизнеса: бухгалтерия, кассы и электронные счета-фактуры "
        "в одном сервисе.",
        "support@samal-cloud.kz",
        "+7 727 346 70 15",
        "Тлеубаева Алия Нуржановна",
        _plan("80000000", "120000000", "330000000", 28, 8000),
    ),
)


def company(number: int) -> Company:
    """The demo company of agreement ``demo-<number>``."""
    return COMPANIES[number - 1]
