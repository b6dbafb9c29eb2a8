"""The demo portfolio as plain data, dated relative to ``today`` (pure; no I/O).

Every collections state appears at least once: current, each aging bucket, a disputed
invoice, a plan active and one defaulted, one awaiting approval, promises pending, kept
and broken, opt-outs and cease, consumer and business accounts, several time zones and an
unknown one. Older paid invoices give the reports a payment history. The same ``today``
always gives the same portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class DemoInvoice:
    number: str
    issued: int  # days relative to today
    due: int
    amount: Decimal


@dataclass(frozen=True)
class DemoPayment:
    payment_id: str
    received: int
    amount: Decimal
    invoice: str | None = None  # None: applied oldest-due first
    method: str = "ach"


@dataclass(frozen=True)
class DemoPromise:
    created: int
    due: int
    amount: Decimal
    channel: str = "sms"
    taken_by: str = "bot"
    cancelled: bool = False


@dataclass(frozen=True)
class DemoPlan:
    created: int
    total: Decimal
    months: int
    approval: bool = False


@dataclass(frozen=True)
class DemoAccount:
    number: str
    name: str
    postal_code: str
    timezone: str
    consumer: bool = False
    phone: str = ""
    telegram: str = ""
    email: str = ""
    sms_consent: bool = True
    invoices: tuple[DemoInvoice, ...] = ()
    payments: tuple[DemoPayment, ...] = ()
    promises: tuple[DemoPromise, ...] = ()
    plan: DemoPlan | None = None
    disputed: tuple[tuple[str, str], ...] = ()  # (invoice number, reason)
    escalations: tuple[tuple[str, str], ...] = ()  # (reason, status)
    sms_opt_out: bool = False
    telegram_opt_out: bool = False
    cease: bool = False
    conversations: tuple[tuple[int, bool], ...] = ()  # (days ago, escalated)
    history: int = 2  # older invoices paid on time, for the KPIs
    extra: dict[str, str] = field(default_factory=dict)


def _inv(account: int, seq: int, issued: int, due: int, amount: str) -> DemoInvoice:
    return DemoInvoice(f"INV-{account}-{seq:02d}", issued, due, D(amount))


def _pay(
    account: int, seq: int, received: int, amount: str, invoice: str | None = None
) -> DemoPayment:
    return DemoPayment(f"PAY-{account}-{seq:02d}", received, D(amount), invoice)


NY, CHI, DEN, LA, PHX, AK, HI = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
)

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "1001",
        "Bayside Hardware LLC",
        "02110",
        NY,
        phone="+16175550101",
        invoices=(_inv(1001, 1, -10, 20, "1250.00"),),
        conversations=((3, False),),
    ),
    DemoAccount(
        "1002",
        "Maria Lopez",
        "60614",
        CHI,
        consumer=True,
        phone="+13125550102",
        invoices=(_inv(1002, 1, -27, 3, "480.00"),),
    ),
    DemoAccount(
        "1003",
        "Northwind Traders Inc",
        "98101",
        LA,
        phone="+12065550103",
        invoices=(_inv(1003, 1, -35, -5, "2300.00"),),
        payments=(_pay(1003, 1, -2, "300.00", "INV-1003-01"),),
        conversations=((2, False),),
    ),
    DemoAccount(
        "1004",
        "James Carter",
        "90012",
        LA,
        consumer=True,
        phone="+12135550104",
        invoices=(_inv(1004, 1, -55, -25, "890.40"),),
    ),
    DemoAccount(
        "1005",
        "Summit Builders Co",
        "80202",
        DEN,
        phone="+13035550105",
        email="ap@summitbuilders.example",
        invoices=(_inv(1005, 1, -75, -45, "5600.00"),),
    ),
    DemoAccount(
        "1006",
        "Desert Bloom Florist",
        "85004",
        PHX,
        phone="+16025550106",
        invoices=(_inv(1006, 1, -105, -75, "3150.00"), _inv(1006, 2, -5, 25, "640.00")),
    ),
    DemoAccount(
        "1007",
        "Kodiak Marine Supply",
        "99501",
        AK,
        phone="+19075550107",
        invoices=(_inv(1007, 1, -130, -100, "7420.00"),),
    ),
    DemoAccount(
        "1008",
        "Aloha Shave Ice Co",
        "96813",
        HI,
        phone="+18085550108",
        invoices=(_inv(1008, 1, -180, -150, "12800.00"),),
        history=0,
    ),
    DemoAccount(
        "1009",
        "Greenfield Dental Group",
        "10001",
        NY,
        phone="+12125550109",
        invoices=(_inv(1009, 1, -50, -20, "650.00"), _inv(1009, 2, -70, -40, "1100.00")),
        disputed=(("INV-1009-02", "damaged"),),
        escalations=(("dispute", "open"),),
        conversations=((6, True),),
    ),
    DemoAccount(
        "1010",
        "Lakeside Cafe",
        "53703",
        CHI,
        phone="+16085550110",
        invoices=(_inv(1010, 1, -70, -40, "3000.00"),),
        payments=(_pay(1010, 1, -20, "300.00", "INV-1010-01"),),
        plan=DemoPlan(created=-20, total=D("3000.00"), months=6),
        conversations=((20, False),),
    ),
    DemoAccount(
        "1011",
        "Redwood Auto Repair",
        "95501",
        LA,
        phone="+17075550111",
        invoices=(_inv(1011, 1, -150, -120, "2400.00"),),
        payments=(_pay(1011, 1, -90, "240.00", "INV-1011-01"),),
        plan=DemoPlan(created=-90, total=D("2400.00"), months=4),
        escalations=(("plan_default", "open"),),
    ),
    DemoAccount(
        "1012",
        "Angela Brooks",
        "30303",
        NY,
        consumer=True,
        phone="+14045550112",
        invoices=(_inv(1012, 1, -42, -12, "1500.00"),),
        promises=(DemoPromise(-1, 5, D("800.00")),),
        conversations=((1, False),),
    ),
    DemoAccount(
        "1013",
        "Pinecrest Veterinary",
        "97201",
        LA,
        phone="+15035550113",
        invoices=(_inv(1013, 1, -65, -35, "900.00"), _inv(1013, 2, -8, 22, "410.00")),
        payments=(_pay(1013, 1, -15, "900.00", "INV-1013-01"),),
        promises=(DemoPromise(-20, -14, D("900.00")),),
        conversations=((20, False),),
    ),
    DemoAccount(
        "1014",
        "Tom Nguyen",
        "77002",
        CHI,
        consumer=True,
        phone="+17135550114",
        invoices=(_inv(1014, 1, -80, -50, "1700.00"),),
        promises=(DemoPromise(-30, -25, D("600.00")),),
        conversations=((29, False),),
    ),
    DemoAccount(
        "1015",
        "Blue Ridge Outfitters",
        "24011",
        NY,
        phone="+15405550115",
        invoices=(_inv(1015, 1, -110, -80, "2950.00"),),
        promises=(
            DemoPromise(-65, -60, D("1000.00"), channel="telegram"),
            DemoPromise(-24, -20, D("750.00")),
        ),
        escalations=(("broken_promises", "open"),),
        telegram="550115",
    ),
    DemoAccount(
        "1016",
        "Samantha Reed",
        "19103",
        NY,
        consumer=True,
        phone="+12155550116",
        invoices=(_inv(1016, 1, -45, -15, "430.00"),),
        sms_opt_out=True,
    ),
    DemoAccount(
        "1017",
        "Keystone Logistics",
        "15222",
        NY,
        phone="+14125550117",
        invoices=(_inv(1017, 1, -90, -60, "2200.00"),),
        cease=True,
        sms_opt_out=True,
        escalations=(("cease", "open"),),
        conversations=((10, True),),
    ),
    DemoAccount(
        "1018",
        "Priya Shah",
        "94103",
        LA,
        consumer=True,
        phone="+14155550118",
        telegram="550118",
        invoices=(_inv(1018, 1, -38, -8, "760.00"),),
        conversations=((4, False),),
    ),
    DemoAccount(
        "1019",
        "Copper Kettle Bakery",
        "84101",
        DEN,
        phone="+18015550119",
        sms_consent=False,
        invoices=(_inv(1019, 1, -39, -9, "540.00"),),
    ),
    DemoAccount(
        "1020",
        "Luis Ortega",
        "73301",
        "",
        consumer=True,
        phone="+15125550120",
        invoices=(_inv(1020, 1, -33, -3, "310.00"),),
    ),
    DemoAccount(
        "1021",
        "Harbor Light Printing",
        "04101",
        NY,
        phone="+12075550121",
        invoices=(_inv(1021, 1, -60, -30, "1000.00"),),
        payments=(_pay(1021, 1, -28, "1000.00", "INV-1021-01"),),
    ),
    DemoAccount(
        "1022",
        "Evergreen Landscaping",
        "98402",
        LA,
        phone="+12535550122",
        invoices=(_inv(1022, 1, -40, -10, "500.00"),),
        payments=(_pay(1022, 1, -4, "650.00"),),
    ),
    DemoAccount(
        "1023",
        "Granite State Electric",
        "03101",
        NY,
        phone="+16035550123",
        invoices=(
            _inv(1023, 1, -95, -65, "420.00"),
            _inv(1023, 2, -70, -40, "380.00"),
            _inv(1023, 3, -40, -10, "900.00"),
        ),
        payments=(_pay(1023, 1, -6, "1000.00"),),
    ),
    DemoAccount(
        "1024",
        "Thames Imports Ltd",
        "SW1A 1AA",
        "Europe/London",
        phone="+442075550124",
        invoices=(_inv(1024, 1, -48, -18, "4100.00"),),
    ),
    DemoAccount(
        "1025",
        "Dorothy Hayes",
        "63101",
        CHI,
        consumer=True,
        phone="+13145550125",
        invoices=(_inv(1025, 1, -95, -65, "1300.00"),),
        escalations=(("hardship", "open"),),
        conversations=((5, True),),
    ),
    DemoAccount(
        "1026",
        "Metro Office Supply",
        "20001",
        NY,
        phone="+12025550126",
        invoices=(_inv(1026, 1, -57, -27, "2750.00"),),
        escalations=(("customer_request", "claimed"),),
        conversations=((1, True),),
    ),
    DemoAccount(
        "1027",
        "Frontier Steel Works",
        "68102",
        CHI,
        phone="+14025550127",
        invoices=(_inv(1027, 1, -80, -50, "14500.00"),),
        plan=DemoPlan(created=-2, total=D("14500.00"), months=6, approval=True),
        escalations=(("plan_approval", "open"),),
        conversations=((2, True),),
    ),
    DemoAccount(
        "1028",
        "Sunrise Medical Billing",
        "33101",
        NY,
        phone="+13055550128",
        invoices=(
            _inv(1028, 1, -35, -5, "1200.00"),
            _inv(1028, 2, -65, -35, "860.00"),
            _inv(1028, 3, -125, -95, "1530.00"),
            _inv(1028, 4, -20, 10, "990.00"),
        ),
    ),
    DemoAccount(
        "1029",
        "Kevin O'Brien",
        "02139",
        NY,
        consumer=True,
        phone="+16175550129",
        invoices=(_inv(1029, 1, -44, -14, "275.00"),),
        escalations=(("verification_failed", "resolved"),),
        conversations=((12, True),),
    ),
    DemoAccount(
        "1030",
        "Cascade Timber Co",
        "97401",
        LA,
        phone="+15415550130",
        invoices=(_inv(1030, 1, -80, -50, "3600.00"), _inv(1030, 2, -15, 15, "1800.00")),
        payments=(_pay(1030, 1, -45, "3600.00", "INV-1030-01"),),
        promises=(DemoPromise(-49, -46, D("3600.00"), channel="phone", taken_by="collector"),),
    ),
)


def account_number(account: DemoAccount) -> str:
    return f"A-{account.number}"


def history_invoices(account: DemoAccount) -> tuple[tuple[DemoInvoice, DemoPayment], ...]:
    """Older invoices, each paid in full a few days either side of its due date."""
    seed = int(account.number)
    pairs = []
    for k in range(account.history):
        issued = -(170 - 45 * k) - seed % 7
        amount = D(300 + (seed * 37 + k * 113) % 2200) + D(seed % 100) / 100
        invoice = DemoInvoice(f"INV-{account.number}-H{k + 1}", issued, issued + 30, amount)
        paid = issued + 30 + (seed + k) % 9 - 4
        pairs.append(
            (invoice, DemoPayment(f"PAY-{account.number}-H{k + 1}", paid, amount, invoice.number))
        )
    return tuple(pairs)


def day(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def customer_rows(today: date) -> list[dict[str, str]]:
    """customers.csv rows (SPEC §4 columns)."""
    del today  # customers are not dated; kept for a uniform signature
    return [
        {
            "account_number": account_number(a),
            "name": a.name,
            "postal_code": a.postal_code,
            "phone": a.phone,
            "telegram_chat_id": a.telegram,
            "email": a.email,
            "timezone": a.timezone,
            "language": "en",
            "consumer": "true" if a.consumer else "false",
            "sms_consent": "true" if a.sms_consent else "false",
            "credit_limit": "" if a.consumer else "25000.00",
        }
        for a in ACCOUNTS
    ]


def invoice_rows(today: date) -> list[dict[str, str]]:
    """invoices.csv rows, history first."""
    rows = []
    for a in ACCOUNTS:
        invoices = [inv for inv, _ in history_invoices(a)] + list(a.invoices)
        rows += [
            {
                "invoice_number": inv.number,
                "account_number": account_number(a),
                "issue_date": day(today, inv.issued).isoformat(),
                "due_date": day(today, inv.due).isoformat(),
                "amount": f"{inv.amount:.2f}",
                "currency": "USD",
            }
            for inv in invoices
        ]
    return rows


def payment_rows(today: date) -> list[dict[str, str]]:
    """payments.csv rows, history first."""
    rows = []
    for a in ACCOUNTS:
        payments = [pay for _, pay in history_invoices(a)] + list(a.payments)
        rows += [
            {
                "payment_id": pay.payment_id,
                "account_number": account_number(a),
                "received_date": day(today, pay.received).isoformat(),
                "amount": f"{pay.amount:.2f}",
                "invoice_number": pay.invoice or "",
                "method": pay.method,
            }
            for pay in payments
        ]
    return rows
