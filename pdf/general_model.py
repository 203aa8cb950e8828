"""The plain data of a general notice's board (通知公告): a title and a body of headings,
paragraphs, lists and pictures. Kept apart from ``pdf.general`` (the renderer) so that
building the data loads no ReportLab, as ``pdf.finance_model`` does for finance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pdf.model import NoticeDoc


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1          # 1–3


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListBlock:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class PictureBlock:
    data: bytes             # PNG or JPEG, already checked by the caller
    caption: str = ""


BodyBlock = Heading | Paragraph | ListBlock | PictureBlock


@dataclass(frozen=True)
class GeneralDoc:
    title: str
    issuer: str
    region_name: str
    body: tuple[BodyBlock, ...]
    period_start: date
    period_end: date
    supervision_phone: str
    report_phone: str = "12345"
    verify_code: str = ""
    url: str = ""
    issued_on: date | None = None
    draft: bool = False
    correction_of: str = ""
    correction_reason: str = ""
    withdrawn: bool = False

    def frame(self) -> NoticeDoc:
        """The page furniture shared with the payout board, from the same fields."""
        return NoticeDoc(
            title=self.title, issuer=self.issuer, region_name=self.region_name, intro="",
            columns=(), lines=(), total_fen=0, period_start=self.period_start,
            period_end=self.period_end, supervision_phone=self.supervision_phone,
            report_phone=self.report_phone, verify_code=self.verify_code, url=self.url,
            issued_on=self.issued_on, draft=self.draft, correction_of=self.correction_of,
            correction_reason=self.correction_reason, withdrawn=self.withdrawn)
