"""The latest days to send a year's joint instruction so that the escrow agent still has its EA 3.2 business days
before the SPA 5.1 release date: by courier (deemed given on the third day after sending, SPA 11.3; computed by
rules/deadlines.latest_sending) or by e-mail.

SPA 11.3 gives a deemed date for a courier notice only and says nothing of e-mail. An e-mail is taken as received
the day it is sent when that day is a PRC business day, and on the next business day otherwise: the latest day to
e-mail is therefore the last PRC business day on or before the latest day of receipt that still leaves the agent
its business days. A year whose PRC holiday schedule is not known raises ScheduleNotPublished (never guessed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compliance.contract import Contract
from compliance.rules.business_days import BusinessCalendar
from compliance.rules.deadlines import latest_sending


@dataclass(frozen=True)
class SendingDays:
    release_due: dt.date  # SPA 5.1
    courier_by: dt.date  # the latest day to send it by courier (SPA 11.3, EA 3.2)
    email_by: dt.date  # the latest day to send it by e-mail (a PRC business day)
    received_by: dt.date  # the latest day of receipt that leaves the agent its business days (EA 3.2)


def latest_sending_days(contract: Contract, calendar: BusinessCalendar, release_due: dt.date) -> SendingDays:
    """The latest courier and e-mail sending days for a release due on `release_due` (the SPA 5.1 date)."""
    courier = latest_sending(contract, calendar, release_due)
    day = courier.deemed_given
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return SendingDays(release_due, courier.sent_on, day, courier.deemed_given)
