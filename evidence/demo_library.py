"""A demo source document and two excerpts for the 'demo' consultation (run by ``load_demo_input``).

The document is written for the demo (it quotes no seed document): a short position paper in Markdown
with a heading, a list and a small table, so that the source page, selecting a passage, the excerpt list
and the evidence of a cell can be tried at once. Safe to re-run: nothing is added twice.
"""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.db import transaction

from consultation.models import Assessment, Consultation
from consultation.rules import accepts_changes
from evidence.models import SourceDocument
from evidence.services.library import excerpt_create, latest_version, source_create

TITLE = "Position note on detection before sending"

TEXT = """# Position note on detection before sending

## Summary

Scanning content on the phone before it is encrypted keeps the transport encrypted, but moves the
inspection to the device. Whether that is acceptable depends on what is scanned and who can check it.

## Main points

- Limiting detection to images and links narrows what a device has to inspect.
- Asking users for consent is only meaningful if refusing keeps the service usable.
- An independent body should be able to audit the lists that devices match against.

## Review periods by risk level

| Risk level | Measures | Review every |
| --- | --- | --- |
| High | Detection orders possible | 12 months |
| Medium | Extra mitigation required | 24 months |
| Low | Extra mitigation recommended | 36 months |

## Conclusion

Detection before sending does not break encryption as such, but the privacy cost on the device remains
and is hard to audit from outside.
"""

EXCERPTS = [
    # passage, stance, cell (solution code, criterion key), note
    (
        "the privacy cost on the device remains\nand is hard to audit from outside",
        "lower",
        ("1a", "privacy"),
        "Argues the privacy rating of on-device detection is too generous.",
    ),
    (
        "Limiting detection to images and links narrows what a device has to inspect.",
        "supports",
        ("1a", "effectiveness"),
        "",
    ),
]


def load_demo_sources(consultation: Consultation, stdout) -> None:
    """Add the demo note (as the first secretariat member) and its two excerpts (as the demo expert)."""
    if not accepts_changes(consultation) or SourceDocument.objects.filter(consultation=consultation, title=TITLE):
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["secretariat", "expert"])}
    if "secretariat" not in users:
        return
    data = TEXT.encode()
    upload = io.BytesIO(data)
    upload.name = "position-note.md"
    upload.size = len(data)
    with transaction.atomic():
        source = source_create(
            consultation=consultation,
            user=users["secretariat"],
            title=TITLE,
            author="Demo digital rights group",
            reference="DEMO 1/2026",
            file=upload,
        )
        text = latest_version(source).text
        for passage, stance, (code, key), note in EXCERPTS:
            passage = passage.replace("\n", " ") if passage not in text else passage
            if passage not in text:
                continue
            start = text.index(passage)
            cells = Assessment.objects.filter(consultation=consultation, solution__code=code, criterion__key=key)
            excerpt_create(
                consultation=consultation,
                user=users.get("expert", users["secretariat"]),
                source=source,
                quote=passage,
                start=start,
                end=start + len(passage),
                stance=stance,
                note=note,
                cells=list(cells),
            )
    stdout.write("Demo library: a source document and its excerpts added.")
