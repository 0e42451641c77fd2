"""Merchant category codes (ISO 18245) the platform knows, with their labels.

A deliberately small, real subset: enough variety for the generator and the model's
category features. The contract carries the code (`mcc`) and its label
(`merchant_category`) as two flat columns: flat fields map 1:1 onto Spark, SQL and
Elasticsearch columns, where a nested object would need a struct/VARIANT/object per sink.
"""

from __future__ import annotations

from types import MappingProxyType

MCC_CODES = MappingProxyType(
    {
        "4111": "Local and Suburban Commuter Passenger Transportation",
        "4121": "Taxicabs and Limousines",
        "4511": "Airlines and Air Carriers",
        "4814": "Telecommunication Services",
        "4829": "Wire Transfers and Money Orders",
        "4900": "Utilities",
        "5311": "Department Stores",
        "5411": "Grocery Stores and Supermarkets",
        "5541": "Service Stations",
        "5651": "Family Clothing Stores",
        "5732": "Electronics Stores",
        "5812": "Eating Places and Restaurants",
        "5814": "Fast Food Restaurants",
        "5815": "Digital Goods: Media, Books, Movies, Music",
        "5816": "Digital Goods: Games",
        "5912": "Drug Stores and Pharmacies",
        "5944": "Jewelry, Watch, Clock and Silverware Stores",
        "5999": "Miscellaneous and Specialty Retail Stores",
        "6011": "Financial Institutions: Automated Cash Disbursements",
        "6012": "Financial Institutions: Merchandise and Services",
        "7011": "Hotels, Motels and Resorts",
        "7832": "Motion Picture Theaters",
        "7995": "Betting, Casino Gaming and Lottery",
        "8062": "Hospitals",
    }
)
