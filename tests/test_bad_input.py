"""Bad letters give a clear error naming the file; the batch goes on; outputs are atomic."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_graph import NotAnImrLetter, UnreadableLetter, extract_letter
from imr_graph._atomic import atomic_writer
from imr_graph.cli import main
from imr_graph.read import MAX_BYTES
from imr_graph.sample import LETTERS_DIR
from imr_graph.synthetic import bomb_pdf, pdf_bytes

GOOD = (LETTERS_DIR / "sample-2014.txt").read_bytes()


def encrypted_pdf() -> bytes:
    pdf = pdf_bytes(["MAXIMUS Federal Services"])
    return pdf.replace(
        b"/Root 1 0 R >>",
        b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O <"
        + b"41" * 32
        + b"> /U <"
        + b"42" * 32
        + b"> /P -4 >> /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>",
    )


@pytest.mark.parametrize(
    ("name", "data", "error", "reason"),
    [
        ("empty.txt", b"", UnreadableLetter, "file is empty"),
        ("blank.txt", b"  \n\n ", UnreadableLetter, "file is empty"),
        ("junk.txt", bytes(range(256)) * 4, UnreadableLetter, "binary data"),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj garbage", UnreadableLetter, "not a readable PDF"),
        ("locked.pdf", encrypted_pdf(), UnreadableLetter, "encrypted"),
        (
            "memo.pdf",
            pdf_bytes(["Quarterly budget memo", "Nothing about medical review."]),
            NotAnImrLetter,
            "no sign of an IMR",
        ),
        (
            "recipe.txt",
            b"Mix flour and water. Bake for an hour.",
            NotAnImrLetter,
            "no sign of an IMR",
        ),
        ("huge.txt", b"a" * (MAX_BYTES + 1), UnreadableLetter, "too large"),
    ],
)
def test_bad_letters_name_file_and_reason(name: str, data: bytes, error: type[Exception], reason: str) -> None:
    with pytest.raises(error) as info:
        extract_letter(name, data)
    assert str(info.value).startswith(f"{name}: ")
    assert reason in str(info.value)


def test_invalid_utf8_is_read_with_a_warning() -> None:
    rec = extract_letter("latin.txt", GOOD.replace(b"man with", b"man\xe9 with"))
    assert rec.items and any("not valid UTF-8" in w for w in rec.warnings)


def test_utf16_letter_is_read() -> None:
    rec = extract_letter("wide.txt", GOOD.decode().encode("utf-16"))
    assert len(rec.items) == 3 and "decoded as UTF-16" in rec.warnings


def test_truncated_letter_keeps_what_it_has() -> None:
    cut = GOOD[: GOOD.index(b"Naproxen 550mg")]
    rec = extract_letter("cut.txt", cut)
    assert [i.request for i in rec.items] == ["Arthroscopic partial medial meniscectomy of the right knee"]


def test_missing_file_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.txt"), "-q"])
    assert result.exit_code == 1
    assert "nope.txt: cannot open" in result.output


def test_atomic_writer_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as handle:
        handle.write("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]


_LINES = GOOD.decode().splitlines()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(range(len(_LINES))), max_size=len(_LINES)),
    st.binary(max_size=64),
    st.integers(0, len(GOOD)),
)
def test_mutated_letters_never_raise_unexpectedly(order: list[int], noise: bytes, cut: int) -> None:
    shuffled = "\n".join(_LINES[i] for i in order).encode()
    for data in (shuffled, GOOD[:cut] + noise + GOOD[cut:], GOOD[:cut]):
        with contextlib.suppress(UnreadableLetter, NotAnImrLetter):
            extract_letter("mutant.txt", data)


def test_a_document_with_imr_words_but_no_letter_is_a_failure(tmp_path: Path) -> None:
    page = tmp_path / "printed-page.txt"
    page.write_text("Independent Medical Review\nMAXIMUS Federal Services\nFrequently asked questions.\n")
    result = CliRunner().invoke(main, ["extract", str(page), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert f"{page}: not an IMR determination letter (no letter format, no items)" in result.output
    assert result.output.splitlines()[-1] == "0 letters, 0 items extracted; 1 failed"


def test_extract_summarises_warnings_by_kind(tmp_path: Path) -> None:
    from imr_graph.extract import BatchSummary

    summary = BatchSummary(3, 5, (), {"reviewer qualifications not found": 1, "no disputed items found": 2})
    assert summary.line() == (
        "3 letters, 5 items extracted; 0 failed; letters with warnings: "
        "no disputed items found: 2, reviewer qualifications not found: 1"
    )


def test_fifo_device_and_odd_names_are_per_file_outcomes(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    odd = os.fsdecode(bytes(folder) + b"/x\xe9.txt")  # a name that is not UTF-8
    Path(odd).write_bytes(GOOD)
    os.mkfifo(folder / "pipe.txt")  # reading it would wait forever
    (folder / "z-good.txt").write_bytes(GOOD)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = CliRunner().invoke(main, ["extract", str(folder), "/dev/zero", "-o", str(out), "--errors", str(errors)])
    assert result.exit_code == 1
    failed = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(f["path"], f["reason"]) for f in failed] == [
        (str(folder / "pipe.txt"), "not a regular file (a FIFO); not opened"),
        ("/dev/zero", "not a regular file (a device); not opened"),
    ]
    paths = [json.loads(line)["source"]["path"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert paths == [odd, str(folder / "z-good.txt")]
    assert os.fsencode(paths[0]).endswith(b"/x\xe9.txt")  # the exact bytes of the name come back


def test_stdin_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    from imr_graph.read import MAX_BYTES

    result = CliRunner().invoke(main, ["extract", "-", "-o", str(tmp_path / "out.jsonl")], input=b"x" * (MAX_BYTES + 5))
    assert result.exit_code == 1
    assert f"-: file is too large ({MAX_BYTES + 1:,} bytes; limit {MAX_BYTES:,})" in result.output


def test_a_folder_that_cannot_be_listed_fails_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "letters"
    (folder / "locked").mkdir(parents=True)
    (folder / "good.txt").write_bytes(GOOD)
    real_scandir = os.scandir

    def scandir(path: object) -> object:  # as for a folder without read permission (root reads any)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", lambda path: scandir(path))
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert f"{folder / 'locked'}: cannot open: Permission denied" in result.output
    assert "1 letters, " in result.output and "1 failed" in result.output


def test_a_decompression_bomb_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    bomb = bomb_pdf(100)
    assert len(bomb) < 200_000  # a small file
    (folder / "a-bomb.pdf").write_bytes(bomb)
    (folder / "b-good.txt").write_bytes(GOOD)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 1
    assert f"{folder / 'a-bomb.pdf'}: its compressed streams inflate past 64 MB; not read" in result.output
    assert [json.loads(line)["source"]["path"] for line in out.read_text().splitlines()] == [str(folder / "b-good.txt")]


def _dies_on_poison(path: str, data: bytes | None = None) -> object:
    """extract_line, except that a letter named poison kills its worker outright."""
    from imr_graph import extract

    if path.endswith("poison.txt"):
        os._exit(9)
    return extract._extract_line_original(path, data)  # type: ignore[attr-defined]


def test_a_worker_that_dies_fails_its_letter_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imr_graph import extract

    folder = tmp_path / "letters"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02d}-good.txt").write_bytes(GOOD)
    (folder / "05-poison.txt").write_bytes(GOOD)
    monkeypatch.setattr(extract, "_extract_line_original", extract.extract_line, raising=False)
    monkeypatch.setattr(extract, "extract_line", _dies_on_poison)  # seen by forked workers
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 1
    assert f"{folder / '05-poison.txt'}: the worker reading it died" in result.output
    paths = [json.loads(line)["source"]["path"] for line in out.read_text().splitlines()]
    assert paths == sorted(str(p) for p in folder.glob("*-good.txt"))  # every other letter, in order


def _hangs_on_slow(path: str, data: bytes | None = None) -> object:
    """extract_line, except that a letter named slow never finishes."""
    import time

    from imr_graph import extract

    if path.endswith("slow.txt"):
        time.sleep(60)
    return extract._extract_line_original(path, data)  # type: ignore[attr-defined]


def test_a_letter_over_its_time_budget_fails_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from imr_graph import extract

    folder = tmp_path / "letters"
    folder.mkdir()
    for n in range(4):
        (folder / f"{n:02d}-good.txt").write_bytes(GOOD)
    (folder / "02-slow.txt").write_bytes(GOOD)
    monkeypatch.setattr(extract, "LETTER_SECONDS", 1)
    monkeypatch.setattr(extract, "_extract_line_original", extract.extract_line, raising=False)
    monkeypatch.setattr(extract, "extract_line", _hangs_on_slow)
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(tmp_path / "out.jsonl"), "--workers", "2"])
    assert result.exit_code == 1
    assert f"{folder / '02-slow.txt'}: took longer than 1 s; stopped" in result.output
    assert "4 letters" in result.output


@pytest.mark.parametrize(("real_size", "error"), [(5000, None), (MAX_BYTES + 10, "too large (over")])
def test_a_letter_that_grew_after_its_size_was_read_is_read_to_its_end_or_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_size: int, error: str | None
) -> None:
    from imr_graph import read

    path = tmp_path / "growing.txt"
    path.write_bytes(GOOD + b"x" * (real_size - len(GOOD)))
    real_stat = os.stat

    def stale_stat(name: object, **options: object) -> os.stat_result:  # the letter's size a moment before
        info = real_stat(name, **options)  # type: ignore[arg-type]
        return os.stat_result((*info[:6], 100, *info[7:10])) if str(name) == str(path) else info

    monkeypatch.setattr(read.os, "stat", stale_stat)
    if error is None:
        assert len(read._read_bounded(str(path))) == real_size
    else:
        with pytest.raises(UnreadableLetter, match=re.escape(error)):
            read._read_bounded(str(path))
