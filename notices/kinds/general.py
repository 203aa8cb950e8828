"""General notices (通知公告): a title, a body in the safe markup of ``general_markup`` and
pictures, drafted from a ``notice.yaml`` a clerk writes::

    title: 关于2026年城乡居民医保缴费政策的解读
    region: "419901100201"        # village or township code
    catalog_item: SHJZ-01         # see `cunwu catalog list`
    issuer: 城关镇人民政府          # optional; defaults to the region's own body
    body: |
      ## 一、缴费标准
      每人每年 380 元……

      ![图1 缴费标准对比](chart.png)

Pictures sit next to the yaml. Each is checked with Pillow (PNG or JPEG, a size and pixel
cap), turned upright, shrunk to a phone-and-board size and re-encoded, which also drops
EXIF (a phone photo's GPS position has no place on a public notice). The stored file is
named by its SHA-256 and the hash goes into the content, so the version's fingerprint
covers every picture as well as the text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.files import FileStore
from notices.fingerprint import fingerprint
from notices.images import ImageRules, clean_image
from notices.kinds.catalog_models import CatalogItem
from notices.kinds.general_markup import parse_body
from notices.models import Notice, NoticeKind
from villages.errors import InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role

SCHEMA = 1
MAX_YAML_BYTES = 256 * 1024
MAX_PICTURE_BYTES = 8 * 1024 * 1024      # a phone photo is 2–6 MB
MAX_PICTURE_PIXELS = 40_000_000          # refuse decompression bombs before decoding
MAX_PICTURES = 20
MAX_EDGE_PX = 1600                       # sharp on a 1080-px phone and on an A4 column
PICTURE_RULES = ImageRules(
    what="图片", formats=frozenset({"PNG", "JPEG"}), formats_zh="PNG 或 JPEG",
    max_bytes=MAX_PICTURE_BYTES, max_pixels=MAX_PICTURE_PIXELS, max_edge=MAX_EDGE_PX,
    keep_png=True)  # charts and scans stay lossless
_FIELDS = {"title", "region", "catalog_item", "issuer", "body"}


@dataclass(frozen=True)
class Picture:
    name: str          # file name in the store: pic-<sha256>.png|jpg
    sha256: str
    data: bytes
    width: int
    height: int


@dataclass
class GeneralDraft:
    """A parsed notice.yaml: checked text, body blocks and normalised pictures."""

    title: str
    region_code: str
    catalog_code: str
    issuer: str
    blocks: list[dict[str, Any]]
    pictures: dict[str, Picture] = field(default_factory=dict)  # by sha256


def _field(data: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"notice.yaml 缺少“{key}”", details={"field": key})
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidInput(f"notice.yaml 的“{key}”应是一段文字", details={"field": key})
    text = str(value).strip()
    if len(text) > limit or "\n" in text:
        raise InvalidInput(f"notice.yaml 的“{key}”应是一行、不超过 {limit} 字",
                           details={"field": key})
    return text


def normalize_picture(raw: bytes, label: str) -> Picture:
    """Check a picture and re-encode it upright, at most MAX_EDGE_PX, without metadata."""
    clean = clean_image(raw, label, PICTURE_RULES)
    digest = hashlib.sha256(clean.data).hexdigest()
    suffix = "png" if clean.format == "PNG" else "jpg"
    return Picture(f"pic-{digest}.{suffix}", digest, clean.data, clean.width, clean.height)


def _picture_file(directory: Path, src: str) -> Path:
    name = Path(src)
    if not src or name.name != src or src.startswith("."):
        raise InvalidInput(f"图片“{src[:60]}”只能写文件名，且放在 notice.yaml 同一目录下",
                           details={"field": "body"})
    path = directory / src
    if not path.is_file():
        raise InvalidInput(f"找不到图片文件 {src}（应放在 notice.yaml 同一目录下）",
                           details={"field": "body"})
    return path


def load_notice_yaml(path: Path) -> GeneralDraft:
    """Parse and check a notice.yaml and the pictures it references; nothing is saved."""
    try:
        raw = path.read_bytes()
    except OSError:
        raise InvalidInput(f"读不到文件 {path}") from None
    if len(raw) > MAX_YAML_BYTES:
        raise InvalidInput(f"{path.name} 太大了（最大 {MAX_YAML_BYTES // 1024} KB）")
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))  # safe_load: no Python objects, ever
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name} 不是 UTF-8 编码的文本") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise InvalidInput(f"{path.name} {where}格式有误，请检查缩进和冒号") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{path.name} 应是“字段: 值”的形式（title、region、catalog_item、body）")
    unknown = sorted(str(k) for k in data if k not in _FIELDS)
    if unknown:
        raise InvalidInput(f"notice.yaml 有不认识的字段：{'、'.join(unknown)}；"
                           f"可用的字段：{'、'.join(sorted(_FIELDS))}")
    if not isinstance(data.get("body"), str):
        raise InvalidInput("notice.yaml 缺少“body”正文（用 body: | 开头的多行文字）",
                           details={"field": "body"})
    blocks = parse_body(data["body"])
    pictures: dict[str, Picture] = {}
    for block in blocks:
        if block["type"] != "picture":
            continue
        src = block.pop("src")
        picture = normalize_picture(_picture_file(path.parent, src).read_bytes(), src)
        pictures[picture.sha256] = picture
        block.update(file=picture.name, sha256=picture.sha256, width=picture.width,
                     height=picture.height)
        if len(pictures) > MAX_PICTURES:
            raise InvalidInput(f"图片太多了，最多 {MAX_PICTURES} 张")
    return GeneralDraft(
        title=_field(data, "title", 200), region_code=_field(data, "region", 12),
        catalog_code=_field(data, "catalog_item", 20), issuer=_field(data, "issuer", 60,
                                                                     required=False),
        blocks=blocks, pictures=pictures)


def default_issuer(region: Region) -> str:
    if region.level == Level.TOWNSHIP:
        return f"{region.name}人民政府"
    if region.name.endswith("村"):
        return f"{region.name}民委员会"
    return f"{region.name}{'居' if region.name.endswith('社区') else '村'}民委员会"


async def general_content(draft: GeneralDraft) -> tuple[dict[str, Any], Region, CatalogItem]:
    region = await Region.get_or_none(code=draft.region_code)
    if region is None or region.level not in (Level.VILLAGE, Level.TOWNSHIP):
        raise NotFound(f"region：没有区划代码为 {draft.region_code} 的村或乡镇")
    item = await CatalogItem.get_or_none(code=draft.catalog_code)
    if item is None:
        raise NotFound(f"catalog_item：目录里没有事项 {draft.catalog_code}；"
                       "用 cunwu catalog list 查看")
    township = region if region.level == Level.TOWNSHIP else await Region.get(id=region.parent_id)
    content = {
        "schema": SCHEMA,
        "kind": NoticeKind.GENERAL.value,
        "title": draft.title,
        "issuer": draft.issuer or default_issuer(region),
        "region": {"code": region.code, "name": region.name, "township": township.name},
        "catalog_item": {"code": item.code, "name": item.name},
        "intro": "",
        "body": draft.blocks,
        # A general notice lists no money: empty rows keep the shared checks (rows = total)
        # and the verify answer (total) meaningful without a special case.
        "rows": [],
        "total_fen": 0,
    }
    return content, region, item


async def create_general_notice(draft: GeneralDraft, actor: Staff, store: FileStore) -> Notice:
    """Draft the notice; its pictures are stored first (by hash, so a failed draft leaves
    only unreferenced files, never a notice pointing at a missing one)."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    content, region, item = await general_content(draft)
    check_in_scope(actor, region)
    for picture in draft.pictures.values():
        store.put(picture.name, picture.data)
    async with in_transaction():
        notice = await Notice.create(
            kind=NoticeKind.GENERAL, region=region, title=draft.title, catalog_item=item,
            draft_content=content, draft_sha256=fingerprint(content), author=actor)
        await record_event(actor.name, "create_notices", f"notice:{notice.id}",
                           {"kind": NoticeKind.GENERAL.value,
                            "pictures": sorted(draft.pictures)})
    return notice


def pictures_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in content.get("body", []) if b["type"] == "picture"]


def read_pictures(content: dict[str, Any], store: FileStore) -> dict[str, bytes]:
    """Picture bytes by sha256, each checked against the hash the content carries: a file
    changed on disk is refused rather than printed as if it were the published one."""
    out: dict[str, bytes] = {}
    for block in pictures_of(content):
        data = store.read(block["file"])
        if hashlib.sha256(data).hexdigest() != block["sha256"]:
            raise InvalidInput(f"图片文件 {block['file']} 与公示记录的指纹不符，已被改动")
        out[block["sha256"]] = data
    return out

