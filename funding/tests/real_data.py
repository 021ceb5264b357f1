"""Records of the real data the test database starts with (fixtures/), as more than one
test module names them."""

#: Every funder, in name order.
ALL_FUNDERS = [
    "avon-and-somerset-pcc",
    "big-lottery-fund",
    "home-office",
    "mopac",
    "nhs-england",
    "cleveland-pcc",
    "scottish-government",
    "suffolk-public-sector-leaders",
    "sussex-pcc",
]

#: Every funding stream, in name order.
ALL_STREAMS = [
    "anti-knife-crime-community-fund",
    "police-forces-serious-violence-fund",
    "early-intervention-youth-fund",
    "london-crime-prevention-fund",
    "mopac-london-gang-exit",
    "nhs-england-liaison-and-diversion",
    "prosecutions-fund",
    "serious-violence-fund",
    "suffolk-public-sector-leaders",
    "trusted-relationships-fund",
    "youth-endowment-fund",
    "youth-investment-fund",
]

#: Every award with a date, newest first; on a tie, by title (undated ones sort
#: differently on SQLite and PostgreSQL).
DATED_AWARDS = [
    "svf-2019-20-avon-and-somerset",
    "eiyf-2019-barking-and-dagenham-and-redbridge",
    "eiyf-2018-sussex-pcc-reboot",
    "eiyf-2018-cleveland-pcc",
    "trf-2018-greater-manchester-psychologists",
    "trf-2018-north-yorkshire-and-york",
    "wakefield-liaison-and-diversion-nhs-england-pilot",
]
