import datetime as dt
import subprocess
from pathlib import Path

import pytest

from series.models import Accreditation
from tests import factories

EASTERN = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def ltc(hub):
    """A three-session community of practice, all held, accredited for Mainpro+ (1 per hour, up to 12)."""
    series = factories.SeriesFactory(hub=hub, title="Palliative Care in Long-Term Care", slug="ltc-2025")
    factories.AccreditationFactory(series=series)
    series.held = [
        factories.SessionFactory(series=series, title=title, days_from_now=days)
        for title, days in (
            ("Introductory Session", -60),
            ("Advance Care Planning", -30),
            ("Last Days and Hours", -2),
        )
    ]
    return series


@pytest.fixture
def cccep_series(hub):
    series = factories.SeriesFactory(hub=hub, title="Pain Management for Pharmacists", slug="pharm-2025")
    factories.AccreditationFactory(
        series=series,
        body=Accreditation.Body.CCCEP,
        credit_type_en="CEU",
        category_en="",
        credits_per_hour=1,
        maximum=None,
        statement_en="This program has been accredited by CCCEP for 2 CEUs.",
        statement_fr="Ce programme a été agréé par le CCEPP pour 2 UFC.",
        number="1234-2025-3456-I-P",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 12, 31),
        provider_name="Pallium Canada",
        provider_contact="cpd@pallium.ca",
    )
    series.held = [
        factories.SessionFactory(series=series, title=title, days_from_now=days)
        for title, days in (("Opioid Basics", -20), ("Breakthrough Pain", -3))
    ]
    return series


def attend(series, user, minutes=(60, 60, 60)):
    """Register `user` for each held session with the minutes given (None: not recorded)."""
    return [
        factories.RegistrationFactory(user=user, session=session, attended_minutes=value)
        for session, value in zip(series.held, minutes, strict=False)
    ]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def qr_links(pdf: bytes, tmp_path: Path) -> list[str]:
    """Rasterise the PDF's pages and decode every QR code on them."""
    import zxingcpp
    from PIL import Image

    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    links = []
    for page in sorted(tmp_path.glob("page*.png")):
        links += [result.text for result in zxingcpp.read_barcodes(Image.open(page))]
    return links
