"""The world's fixed numbers: the datasheet (datasets/README.md, "The simulated months after launch") explains each."""
from __future__ import annotations

LAUNCH_DATE = "2027-01-01"  # month 1 starts here
BURN_IN_MONTHS = 240  # months run before launch (business as usual: the month-to-month rule), so launch day is stable
BURN_IN_SEED = 20270101  # the burn-in's own seed: launch day is the same company for every seed
REVIEW_EVERY_MONTHS = 3  # business as usual reviews each customer once a quarter
TENURE_CAP = 72  # the real data's maximum: tenure stops growing there
NEW_CUSTOMER_TENURE = 1  # a new customer's tenure on their first 1st of the month (billed once)
NEW_CUSTOMER_MAX_TENURE = 3  # newcomers copy real customers with at most this tenure (their contract, services, charges)
PROMOTION_MAX_TENURE = 6  # promotion profiles: real month-to-month customers with at most this tenure
TRUTH_HORIZON_MONTHS = 3  # the real label read as "leaves within 3 months" (the truth's reading, whatever the logs' horizon)
UNOBSERVED_SD = 1.2  # the unobserved factor's standard deviation, on the log-odds
UNOBSERVED_PERSISTENCE = 0.95  # AR(1): next month's factor = 0.95 x this month's + fresh noise (see truth.py)
PRICE_SENSITIVITY = 2.0  # a price rise of x multiplies the monthly hazard by 1 + 2x (made up)
HAZARD_CAP = 0.95  # no customer leaves with certainty in a month
LATENCY_MEDIAN_MS = 40.0
LATENCY_SHAPE = 4.0  # log-logistic: P(latency > t) = 1 / (1 + (t / median) ** shape)
SCORING_FAILURE_RATE = 0.002
SCORING_TIMEOUT_MS = 1000.0
DEFAULT_SEED = 1
_BLOCK = 4096  # seats per random block: a seat's draws never depend on how many seats there are
_NO_COVER = -(10**6)
ALL_CUSTOMERS = "all customers"
_DATA_BUG_COLUMNS = ("total_charges", "monthly_charges")
_STREAMS = {"start": 0, "burn-in": 1, "churn": 2, "day": 3, "accept": 4, "backfire": 5, "latency": 6,
            "failure": 7, "bug": 8, "promotion": 9, "review": 10, "burn-in offer": 11, "factor": 12, "factor twin": 13,
            "factor start": 14, "factor start twin": 15, "response": 16, "sleeping dog": 17, "dog leaves": 18,
            "newcomer": 19}
_MONTH_OFFSET = 1000  # spawn keys must be >= 0; burn-in months are <= 0
