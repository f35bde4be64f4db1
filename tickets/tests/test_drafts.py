from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets.drafts import Draft, draft_keep, draft_load

pytestmark = pytest.mark.django_db


def test_a_draft_keeps_accepted_files_for_its_own_user_only(world):
    draft = draft_keep(
        user=world.alice,
        draft=Draft(),
        uploads=[
            SimpleUploadedFile("ok.txt", b"fine"),
            SimpleUploadedFile("tool.exe", b"MZ\x90"),
        ],
    )
    assert [f.name for f in draft.files] == ["ok.txt"]
    assert [f.name for f in draft_load(user=world.alice, token=draft.token, keep=["0"]).files] == ["ok.txt"]
    assert draft_load(user=world.charlie, token=draft.token, keep=["0"]).files == []
    assert draft_load(user=world.alice, token=draft.token + "x", keep=["0"]).files == []
    [upload] = draft_load(user=world.alice, token=draft.token, keep=["0"]).uploads()
    assert upload.read() == b"fine"


def test_an_unticked_file_leaves_the_draft(world):
    draft = draft_keep(user=world.alice, draft=Draft(), uploads=[SimpleUploadedFile("a.txt", b"a")])
    assert draft_load(user=world.alice, token=draft.token, keep=[]).files == []
    assert draft_load(user=world.alice, token=draft.token, keep=["0"]).files == []  # deleted, not just hidden
