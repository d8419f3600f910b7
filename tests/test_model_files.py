"""Loading and saving models with damaged, hostile or special files: every failure is a ValueError
that names the file, found before anything large is read or built; oversized models are refused."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import nn.module as nn_module
from autograd.files import NotARegularFileError
from nn import MLP, Layer, Module, Neuron
from nn.module import _checksum


def _resign(doc: dict) -> None:
    doc.pop("checksum", None)
    doc["checksum"] = _checksum(doc)


@pytest.fixture
def saved(tmp_path: Path) -> tuple[MLP, Path]:
    model = MLP(2, [3, 1], rng=0)
    path = tmp_path / "model.json"
    model.save(path)
    return model, path


@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"model.json' is a fifo \(named pipe\), not a model file"):
        Module.load(fifo)


@pytest.mark.timeout(20)
def test_dev_zero_is_refused_without_reading_it() -> None:
    with pytest.raises(ValueError, match="'/dev/zero' is a character device, not a model file"):
        Module.load("/dev/zero")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is a folder, not a model file"):
        MLP.load(tmp_path)


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_deeply_nested_json_is_a_value_error_naming_the_file(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    # CPython ≤ 3.12's json gives up with RecursionError on such nesting, 3.13's parses it: either way the
    # learner gets a ValueError naming the file, never a RecursionError.
    with pytest.raises(ValueError, match=r"deep.json' is (nested too deeply|JSON but not a gradstep model file)"):
        Module.load(path)


def test_deep_nesting_inside_a_real_model_file_names_the_file(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    doc = json.loads(path.read_text())
    doc.pop("checksum")
    # Valid JSON (json.loads can parse it), deep enough that anything recursive over it may fail.
    text = json.dumps(doc)[:-1] + ', "extra": ' + "[" * 900 + "]" * 900 + ', "checksum": "x"}'
    path.write_text(text)
    with pytest.raises(ValueError, match=str(path)):
        Module.load(path)


@pytest.mark.timeout(30)
def test_a_huge_file_is_refused_by_its_size_before_any_of_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(40 * 2**30)  # 40 GiB, sparse: reading it would exhaust memory
    limit = nn_module.max_model_file_bytes()
    assert limit == nn_module.MAX_PARAMETERS * nn_module.BYTES_PER_PARAMETER + 64 * 1024
    with pytest.raises(ValueError, match=rf"huge.json' is 42,949,672,960 bytes.*{limit:,} bytes"):
        Module.load(path)


def test_the_size_cap_follows_max_parameters(saved: tuple[MLP, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    model, path = saved
    size = path.stat().st_size
    per = nn_module.BYTES_PER_PARAMETER
    assert size < len(model.parameters()) * per  # the allowance per parameter covers a real file
    monkeypatch.setattr(nn_module, "MAX_PARAMETERS", 0)
    monkeypatch.setattr(nn_module, "BYTES_PER_PARAMETER", 0)
    # cap = 64 KiB: a file just over it is refused by size
    path.write_bytes(b" " * (64 * 1024 + 1))
    with pytest.raises(ValueError, match="65,537 bytes, more than a model within the limit of 0 parameters"):
        Module.load(path)


def test_a_resigned_file_with_4001_digit_sizes_names_the_file(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    doc = json.loads(path.read_text())
    doc["config"]["nin"] = 10**4000
    doc["config"]["nouts"] = [10**4000, 1]
    _resign(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError) as info:
        MLP.load(path)
    assert str(path) in str(info.value) and "10^8,000 parameters, over the limit" in str(info.value)


def test_a_file_that_cannot_be_opened_names_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read model file 'a\\\\x00b'"):
        Module.load("a\x00b")


@pytest.mark.parametrize(
    "build, text",
    [
        (lambda: MLP(2, [10**7, 1]), "MLP(2, [10000000, 1]) would have 40,000,001 parameters"),
        (lambda: Layer(10**4, 10**3), "Layer(10000, 1000) would have 10,001,000 parameters"),
        (lambda: Neuron(10**7), "Neuron(10000000) would have 10,000,001 parameters"),
        (lambda: MLP(10**100, [1]), "MLP(<a 101-digit number>, [1]) would have about 10^100 parameters"),
    ],
)
def test_building_beyond_the_cap_is_refused_at_once(build, text: str) -> None:
    with pytest.raises(ValueError) as info:
        build()
    message = str(info.value)
    assert text in message and "nn.module.MAX_PARAMETERS" in message and "1,000,000" in message


def test_the_cap_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    count = 2 * 3 + 3 + 3 + 1  # MLP(2, [3, 1]) by hand
    monkeypatch.setattr(nn_module, "MAX_PARAMETERS", count)
    assert len(MLP(2, [3, 1]).parameters()) == count
    monkeypatch.setattr(nn_module, "MAX_PARAMETERS", count - 1)
    with pytest.raises(ValueError, match=f"would have {count} parameters, over the limit of {count - 1}"):
        MLP(2, [3, 1])


def test_saving_onto_a_fifo_is_refused_and_it_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="m.json: it is a fifo"):
        MLP(2, [3, 1]).save(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_saving_through_a_symlink_replaces_its_target(saved: tuple[MLP, Path], tmp_path: Path) -> None:
    model, path = saved
    link = tmp_path / "latest.json"
    link.symlink_to(path)
    other = MLP(2, [3, 1], rng=1)
    other.save(link)
    assert link.is_symlink()
    assert MLP.load(path).state_dict() == other.state_dict() != model.state_dict()
