"""The handbook's three labelled scenarios, applied day by day to legitimate transactions.

(1) amount above a threshold; (2) each day k physical terminals are compromised for the
next `compromised_terminal_days` days (that day included), all their transactions are
fraud; (3) each day k cards are compromised for `compromised_card_days` days and a share of
their transactions (Bernoulli per transaction; the handbook takes exactly a third of the
window's) gets its amount multiplied and is fraud. Later scenarios overwrite earlier
labels, in the handbook's order. The state is a "compromised until day" per terminal and
per card, so the whole period never has to be held in memory.
"""

from __future__ import annotations

import numpy as np

from .codes import AMOUNT_THRESHOLD, COMPROMISED_CARD, COMPROMISED_TERMINAL
from .columns import Columns, draw_count
from .config import FraudConfig
from .pools import Pools


class Compromises:
    def __init__(self, pools: Pools, fraud: FraudConfig) -> None:
        self.pools = pools
        self.fraud = fraud
        self.terminal_until = np.full(pools.physical_terminals, -1, dtype=np.int64)
        self.card_until = np.full(len(pools.card_ids), -1, dtype=np.int64)

    def start_day(self, rng: np.random.Generator, day: int) -> None:
        fraud = self.fraud
        for until, per_day, days in (
            (self.terminal_until, fraud.compromised_terminals_per_day, fraud.compromised_terminal_days),
            (self.card_until, fraud.compromised_cards_per_day, fraud.compromised_card_days),
        ):
            k = min(draw_count(rng, per_day), len(until))
            chosen = rng.choice(len(until), k, replace=False)
            until[chosen] = np.maximum(until[chosen], day + days)

    def label(self, rng: np.random.Generator, day: int, columns: Columns) -> None:
        fraud, scenario = self.fraud, columns["scenario"]
        if fraud.amount_threshold is not None:
            scenario[columns["base_amount"] > fraud.amount_threshold] = AMOUNT_THRESHOLD

        terminal = columns["terminal"]
        present = terminal < self.pools.physical_terminals
        skimmed = present & (self.terminal_until[np.where(present, terminal, 0)] > day)
        scenario[skimmed] = COMPROMISED_TERMINAL

        draw = rng.random(len(scenario))
        stolen = (self.card_until[columns["card"]] > day) & (draw < fraud.compromised_card_share)
        columns["amount"][stolen] *= fraud.compromised_card_multiplier
        columns["base_amount"][stolen] *= fraud.compromised_card_multiplier
        scenario[stolen] = COMPROMISED_CARD
