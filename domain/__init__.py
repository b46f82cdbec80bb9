"""The pure domain of pit: the zone's rules and the agreement lifecycle.

No I/O, no clock, no randomness: time, ids, the actor and the rule set come in as arguments.
"""
