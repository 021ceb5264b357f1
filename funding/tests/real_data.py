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
