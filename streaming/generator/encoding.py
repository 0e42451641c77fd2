"""Contract JSON for a slice of a DayBlock, without a per-field Python loop.

Everything that depends only on an entity is encoded once, as a JSON fragment, by msgspec
(which escapes strings correctly): per card (customer_id, card_id, customer_country), per
terminal (terminal and merchant fields, currency, country, city, position), per device,
per method and per label. A message is then one bytes %-format of eight parts picked by
NumPy fancy indexing; ids, times of day and amounts are formatted as NumPy byte arrays.
Keys are grouped by entity rather than in contract order (JSON objects are unordered;
the contract checks keys, not their order). The output is a pure function of the block,
so the same seed gives byte-identical messages.
"""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np

from fraud_platform.contract import MCC_CODES, SCHEMA_VERSION

from .amounts import decimal_text
from .block import DayBlock
from .codes import METHODS, SCENARIOS
from .pools import Pools
from .timestamps import day_of, time_of_day


def _fields(**values: object) -> bytes:
    """`"k":v,` pairs (trailing comma), in the given order."""
    return msgspec.json.encode(values)[1:-1] + b","


def _objects(fragments: list[bytes]) -> np.ndarray:
    array = np.empty(len(fragments), dtype=object)
    array[:] = fragments
    return array


def device_fragment(device_type: str, device_id: str, ip_address: str | None) -> bytes:
    return _fields(device_type=device_type, device_id=device_id, ip_address=ip_address)


def _template(day: date) -> bytes:
    # Within one call every event falls on one UTC day, so the date is part of the template.
    return (
        b'{"transaction_id":"%s","event_time":"' + day.isoformat().encode() + b'T%sZ","amount":%s,%s%s%s%s%s'
        + b'"schema_version":' + str(SCHEMA_VERSION).encode() + b"}"
    )


class MessageEncoder:
    def __init__(self, pools: Pools) -> None:
        codes = [c.code for c in pools.countries]
        self.card_key = _objects([card.encode() for card in pools.card_ids])
        self.card = _objects(
            [
                _fields(customer_id=pools.customer_ids[customer], card_id=card, customer_country=codes[country])
                for card, customer, country in zip(
                    pools.card_ids,
                    pools.card_customer.tolist(),
                    pools.customer_country[pools.card_customer].tolist(),
                )
            ]
        )
        self.terminal = _objects(
            [
                _fields(
                    terminal_id=pools.terminal_ids[t],
                    merchant_id=pools.merchant_ids[t],
                    merchant_name=pools.merchant_names[t],
                    mcc=pools.mcc[t],
                    merchant_category=MCC_CODES[pools.mcc[t]],
                    currency=pools.countries[c].currency,
                    country=codes[c],
                    city=pools.cities[t],
                    latitude=lat,
                    longitude=lon,
                )
                for t, (c, lat, lon) in enumerate(
                    zip(pools.terminal_country.tolist(), pools.latitude.tolist(), pools.longitude.tolist())
                )
            ]
        )
        self.method = _objects([_fields(transaction_type=t, payment_method=p, channel=c) for t, p, c in METHODS])
        terminal_devices = [
            device_fragment(
                "atm" if atm else "pos_terminal", ("ATM-" if atm else "POS-") + pools.terminal_ids[t], None
            )
            for t, atm in enumerate(pools.is_atm.tolist())
        ]
        customer_devices = [
            device_fragment(kind, device_id, ip)
            for kind, device_id, ip in zip(pools.device_types, pools.device_ids, pools.device_ips)
        ]
        self.device = _objects(terminal_devices + customer_devices)
        self.label = _objects([_fields(is_fraud=name is not None, fraud_scenario=name) for name in SCENARIOS])

    def encode(self, block: DayBlock, rows: slice, now_us: int | None = None) -> tuple[list[bytes], list[bytes]]:
        """(keys, values) for block[rows], key = card_id. event_time is the block's time, or
        `now_us` (epoch microseconds) for every message when given (live mode)."""
        card = block.card[rows]
        terminal = block.terminal[rows]
        n = len(card)
        if now_us is None:
            day, times = block.day, time_of_day(block.time_us[rows])
        else:
            day, times = day_of(now_us), time_of_day(np.array([now_us])) * n
        devices = self.device
        if block.new_devices:
            extra = [device_fragment(d.device_type, d.device_id, d.ip_address) for d in block.new_devices]
            devices = np.concatenate((devices, _objects(extra)))
        template = _template(day)
        values = [
            template % parts
            for parts in zip(
                block.transaction_id[rows].tolist(),
                times,
                decimal_text(block.amount_cents[rows]),
                self.card[card].tolist(),
                self.terminal[terminal].tolist(),
                self.method[block.method[rows]].tolist(),
                devices[block.device[rows]].tolist(),
                self.label[block.scenario[rows]].tolist(),
            )
        ]
        return self.card_key[card].tolist(), values

