"""Legal-basis tags, as DOMAIN.md writes them. Every decision carries a tuple of these."""

from __future__ import annotations

DECREE_ITEM_1 = "Decree 1166 item 1"
DECREE_ITEM_5 = "Decree 1166 item 5"
REG_1 = "Decree 1166 Reg. §1"
REG_2_1 = "Decree 1166 Reg. §2.1"
REG_3 = "Decree 1166 Reg. §3"
REG_3_4 = "Decree 1166 Reg. §3.4"
REG_4 = "Decree 1166 Reg. §4"
REG_5 = "Decree 1166 Reg. §5"
REG_6 = "Decree 1166 Reg. §6"
REG_8 = "Decree 1166 Reg. §8"
REG_9_1 = "Decree 1166 Reg. §9.1"
REG_9_3 = "Decree 1166 Reg. §9.3"
REG_9_4 = "Decree 1166 Reg. §9.4"
REG_9_9 = "Decree 1166 Reg. §9.9"
REG_9_10 = "Decree 1166 Reg. §9.10"
REG_11 = "Decree 1166 Reg. §11"
REG_13 = "Decree 1166 Reg. §13"
REG_15 = "Decree 1166 Reg. §15"
REG_16 = "Decree 1166 Reg. §16"
DECREE_ANNEX = "Decree 1166 annex (Decree No. 457 of 29.12.2012)"
LAW_ART_1_4 = "Law 242-VI Art. 1(4)"
LAW = "Law 242-VI"  # "On special economic and industrial zones", as restated by the zone


def policy(name: str) -> str:
    """The tag of one of our own policy values: the UI and events say "policy", not "law"."""
    return f"pit policy: {name}"
