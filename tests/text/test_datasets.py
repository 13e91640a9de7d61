"""ember.text.datasets on the real AG News and Multi30k files (laid out under a temporary root
as torchtext expects: root/AG_NEWS/test.csv, root/Multi30k/train.de.gz, ...), and on tiny
files in the original formats of IMDB, WikiText-2, Penn Treebank and SST-2 written here.
Expected items are read from the files independently of the code under test."""

from __future__ import annotations

import collections
import gzip
import hashlib
import os
import pickle
import tarfile
import zipfile
from functools import partial

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pad_sequence as torch_pad_sequence

import ember
from ember.text.data import collate_text_label, get_tokenizer, to_map_style_dataset
from ember.text.datasets import (
    AG_NEWS,
    DATASETS,
    IMDB,
    SST2,
    Multi30k,
    PennTreebank,
    WikiText2,
    multi30k,
    penntreebank,
)
from ember.text.vocab import build_vocab_from_iterator


def link(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(src, dst)


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def csv_row(line: str):
    """A row of AG News' CSV parsed by hand: every field is quoted, none holds a quote."""
    fields = line.rstrip("\n")[1:-1].split('","')
    return int(fields[0]), " ".join(fields[1:])


# ---------------------------------------------------------------- AG News (real file)
@pytest.fixture
def ag_root(data_dir, tmp_path):
    link(data_dir / "ag_news" / "test.csv", tmp_path / "AG_NEWS" / "test.csv")
    return tmp_path


def test_ag_news_test_split(ag_root, data_dir):
    ds = AG_NEWS(root=str(ag_root), split="test", download=False)
    items = to_map_style_dataset(ds)
    assert len(items) == 7600
    lines = (data_dir / "ag_news" / "test.csv").read_text(encoding="utf-8").splitlines()
    assert items[0] == csv_row(lines[0])
    assert items[0][0] == 3 and items[0][1].startswith("Fears for T N pension after talks Unions")
    assert items[7599] == csv_row(lines[-1])
    assert collections.Counter(label for label, _ in items) == {1: 1900, 2: 1900, 3: 1900, 4: 1900}
    assert next(iter(ds)) == items[0]  # iterating again starts over
    assert next(iter(pickle.loads(pickle.dumps(ds)))) == items[0]  # DataLoader workers
    (only,) = AG_NEWS(root=str(ag_root), split=("test",), download=False)
    assert repr(only) == "AG_NEWS(split='test')"


def test_ag_news_pipeline_through_a_dataloader(ag_root):
    data = to_map_style_dataset(AG_NEWS(root=str(ag_root), split="test", download=False))
    tokenizer = get_tokenizer("basic_english")
    vocab = build_vocab_from_iterator(
        (tokenizer(data[i][1]) for i in range(64)), specials=["<unk>"]
    )
    vocab.set_default_index(vocab["<unk>"])
    collate = partial(
        collate_text_label,
        text_transform=lambda s: vocab(tokenizer(s)),
        label_transform=lambda y: y - 1,
        padding_value=0,
    )
    loader = ember.utils.data.DataLoader(data, batch_size=8, shuffle=False, collate_fn=collate)
    labels, texts = next(iter(loader))
    same_ids = [torch.tensor(vocab(tokenizer(data[i][1]))) for i in range(8)]
    np.testing.assert_array_equal(texts.numpy(), torch_pad_sequence(same_ids, batch_first=True))
    assert labels.tolist() == [data[i][0] - 1 for i in range(8)]


def test_missing_files_and_bad_splits(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"AG_NEWS/train\.csv not found\. Pass download"):
        AG_NEWS(root=str(tmp_path), split="train", download=False)
    with pytest.raises(FileNotFoundError, match=r"ag_news_csv/train\.csv"):  # names the URL
        AG_NEWS(root=str(tmp_path), split="train", download=False)
    with pytest.raises(TypeError, match="Given selection .'valid',. of splits is not supported"):
        AG_NEWS(root=str(tmp_path), split="valid")
    with pytest.raises(FileNotFoundError, match=r"Multi30k/val\.de\.gz not found"):
        Multi30k(root=str(tmp_path), split="valid", download=False)
    with pytest.raises(FileNotFoundError, match=r"aclImdb_v1\.tar\.gz"):
        IMDB(root=str(tmp_path), split="test", download=False)
    assert set(DATASETS) == {"AG_NEWS", "IMDB", "Multi30k", "PennTreebank", "SST2", "WikiText2"}


# ---------------------------------------------------------------- Multi30k (real files)
def read_gz(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


@pytest.fixture
def m30k_root(data_dir, tmp_path):
    for f in (data_dir / "multi30k").iterdir():
        link(f, tmp_path / "Multi30k" / f.name)
    return tmp_path


def test_multi30k_real_files(m30k_root, data_dir):
    train, valid, test = Multi30k(root=str(m30k_root), download=False)
    pairs = list(train)
    de = read_gz(data_dir / "multi30k" / "train.de.gz")
    en = read_gz(data_dir / "multi30k" / "train.en.gz")
    assert len(pairs) == 29000 == len(de) == len(en)
    assert pairs == list(zip(de, en))
    assert pairs[0] == (de[0], en[0])
    assert pairs[0][1] == "Two young, White males are outside near many bushes."
    assert sum(1 for _ in valid) == 1014 and sum(1 for _ in test) == 1000
    en_de = Multi30k(root=str(m30k_root), split="test", language_pair=("en", "de"), download=False)
    first_en = read_gz(data_dir / "multi30k" / "test_2016_flickr.en.gz")[0]
    first_de = read_gz(data_dir / "multi30k" / "test_2016_flickr.de.gz")[0]
    assert next(iter(en_de)) == (first_en, first_de)
    with pytest.raises(AssertionError, match="only 2 elements"):
        Multi30k(root=str(m30k_root), language_pair=("de", "en", "fr"))
    with pytest.raises(AssertionError, match=r"either \('de','en'\) or \('en', 'de'\)"):
        Multi30k(root=str(m30k_root), language_pair=("de", "fr"))


def test_multi30k_downloads_with_md5_check(data_dir, tmp_path, monkeypatch):
    # the real files served from file:// URLs, checked against torchtext's MD5s
    urls = {lang: (data_dir / "multi30k" / f"val.{lang}.gz").as_uri() for lang in ("de", "en")}
    monkeypatch.setitem(multi30k.URL, "valid", urls)
    valid = Multi30k(root=str(tmp_path), split="valid")
    assert (tmp_path / "Multi30k" / "val.de.gz").is_file()
    assert sum(1 for _ in valid) == 1014
    monkeypatch.setitem(multi30k.MD5, "test", {"de": "0" * 32, "en": "0" * 32})
    urls = {lang: (data_dir / "multi30k" / f"val.{lang}.gz").as_uri() for lang in ("de", "en")}
    monkeypatch.setitem(multi30k.URL, "test", urls)
    with pytest.raises(RuntimeError, match="expected MD5 0{32}"):
        Multi30k(root=str(tmp_path), split="test")


def test_multi30k_torchtext_018_layouts(tmp_path, monkeypatch):
    folder = tmp_path / "Multi30k"
    write(folder / "train.de", "eins\nzwei\n")
    write(folder / "train.en", "one\ntwo\n")
    assert list(Multi30k(root=str(tmp_path), split="train")) == [("eins", "one"), ("zwei", "two")]
    # torchtext 0.18's archive, unpacked on first use
    src = tmp_path / "src"
    write(src / "val.de", "drei\n")
    write(src / "val.en", "three\n")
    with tarfile.open(folder / "validation.tar.gz", "w:gz") as tar:
        tar.add(src / "val.de", arcname="val.de")
        tar.add(src / "val.en", arcname="val.en")
    assert list(Multi30k(root=str(tmp_path), split="valid", download=False)) == [("drei", "three")]
    assert (folder / "val.en").is_file()
    # scripts for torchtext 0.18 point URL[split] at such an archive: it is fetched from there
    (folder / "validation.tar.gz").rename(tmp_path / "served.tar.gz")
    for f in ("val.de", "val.en"):
        (folder / f).unlink()
    monkeypatch.setitem(multi30k.URL, "valid", (tmp_path / "served.tar.gz").as_uri())
    assert list(Multi30k(root=str(tmp_path), split="valid")) == [("drei", "three")]
    assert (folder / "validation.tar.gz").is_file()


# ---------------------------------------------------------------- tiny files, original formats
IMDB_FILES = {
    "train/neg/10_2.txt": "Dull.<br /><br />Really dull.",
    "train/neg/3_1.txt": "Awful film.\n",
    "train/pos/7_9.txt": "Loved it!",
    "train/unsup/0_0.txt": "not labelled",
    "train/urls_neg.txt": "http://example.com\n",
    "test/neg/2_4.txt": "Meh.",
    "test/pos/1_10.txt": "Great.",
}


def test_imdb_folder_and_archive(tmp_path):
    tree = tmp_path / "tree"
    for name, text in IMDB_FILES.items():
        write(tree / "aclImdb" / name, text)
    expected = [(1, "Dull.<br /><br />Really dull."), (1, "Awful film."), (2, "Loved it!")]
    os.symlink(tree, tmp_path / "IMDB")
    train, test = IMDB(root=str(tmp_path), download=False)
    assert list(train) == expected
    assert list(test) == [(1, "Meh."), (2, "Great.")]
    # only the archive present: it is unpacked under root/IMDB first
    other = tmp_path / "other"
    (other / "IMDB").mkdir(parents=True)
    with tarfile.open(other / "IMDB" / "aclImdb_v1.tar.gz", "w:gz") as tar:
        tar.add(tree / "aclImdb", arcname="aclImdb")
    assert list(IMDB(root=str(other), split="train", download=False)) == expected


def test_wikitext2_folder_and_zip(tmp_path):
    text = " = Valkyria = \n \n Senjō no Valkyria 3 @-@ text \n"
    write(tmp_path / "WikiText2" / "wikitext-2" / "wiki.train.tokens", text)
    lines = [" = Valkyria = \n", " \n", " Senjō no Valkyria 3 @-@ text \n"]
    assert list(WikiText2(root=str(tmp_path), split="train", download=False)) == lines
    with zipfile.ZipFile(tmp_path / "WikiText2" / "wikitext-2-v1.zip", "w") as z:
        z.writestr("wikitext-2/wiki.valid.tokens", " a \n b\n")
        z.writestr("wikitext-2/wiki.test.tokens", "")
    valid, test = WikiText2(root=str(tmp_path), split=("valid", "test"), download=False)
    assert list(valid) == [" a \n", " b\n"] and list(test) == []


def test_penntreebank_and_its_download(tmp_path, monkeypatch):
    src = write(tmp_path / "src" / "ptb.valid.txt", " aer banknote N \n the <unk> \n")
    monkeypatch.setitem(penntreebank.URL, "valid", src.as_uri())
    monkeypatch.setitem(penntreebank.MD5, "valid", hashlib.md5(src.read_bytes()).hexdigest())
    valid = PennTreebank(root=str(tmp_path / "root"), split="valid")
    assert (tmp_path / "root" / "PennTreebank" / "ptb.valid.txt").read_bytes() == src.read_bytes()
    assert list(valid) == ["aer banknote N", "the <unk>"]
    monkeypatch.setitem(penntreebank.URL, "test", src.as_uri())
    with pytest.raises(RuntimeError, match=r"ptb\.test\.txt .*expected MD5 8b80168b"):
        PennTreebank(root=str(tmp_path / "root"), split="test")  # wrong MD5 for these bytes
    assert not (tmp_path / "root" / "PennTreebank" / "ptb.test.txt").exists()  # not kept


def test_sst2(tmp_path):
    folder = tmp_path / "SST2" / "SST-2"
    write(
        folder / "train.tsv",
        "sentence\tlabel\nhide new secretions \t0\nit 's a charming trip \t1\n",
    )
    write(folder / "dev.tsv", "sentence\tlabel\nunflinchingly bleak \t0\n")
    write(folder / "test.tsv", "index\tsentence\n0\tuneasy mishmash of styles \n")
    train, dev, test = SST2(root=str(tmp_path), download=False)
    assert list(train) == [("hide new secretions", 0), ("it 's a charming trip", 1)]
    assert list(dev) == [("unflinchingly bleak", 0)]
    assert list(test) == [("uneasy mishmash of styles",)]


# ---------------------------------------------------------------- ember.text.utils
def test_download_from_url_and_extract_archive(tmp_path):
    from ember.text.utils import download_from_url, extract_archive

    src = write(tmp_path / "src" / "data.txt", "payload\n")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    root = tmp_path / "root"
    path = download_from_url(src.as_uri(), root=str(root), hash_value=sha)
    assert path == str(root / "data.txt") and (root / "data.txt").read_text() == "payload\n"
    (root / "data.txt").write_text("changed")
    assert download_from_url(src.as_uri(), root=str(root)) == path  # kept: overwrite=False
    with pytest.raises(RuntimeError, match="does not match. Delete the file manually and retry"):
        download_from_url(src.as_uri(), root=str(root), hash_value=sha)
    download_from_url(src.as_uri(), root=str(root), hash_value=sha, overwrite=True)
    assert (root / "data.txt").read_text() == "payload\n"
    md5 = hashlib.md5(src.read_bytes()).hexdigest()
    other = download_from_url(
        src.as_uri(), path=str(tmp_path / "x" / "y.txt"), hash_value=md5, hash_type="md5"
    )
    assert other == str(tmp_path / "x" / "y.txt")

    with tarfile.open(tmp_path / "a.tar.gz", "w:gz") as tar:
        tar.add(src, arcname="d/data.txt")
    out = tmp_path / "out"
    assert extract_archive(str(tmp_path / "a.tar.gz"), str(out)) == [str(out / "d" / "data.txt")]
    (out / "d" / "data.txt").write_text("local edit")
    extract_archive(str(tmp_path / "a.tar.gz"), str(out))  # all there: nothing rewritten
    assert (out / "d" / "data.txt").read_text() == "local edit"
    extract_archive(str(tmp_path / "a.tar.gz"), str(out), overwrite=True)
    assert (out / "d" / "data.txt").read_text() == "payload\n"
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as z:
        z.writestr("e/", "")
        z.writestr("e/f.txt", "zip")
    assert extract_archive(str(tmp_path / "b.zip"), str(out)) == [str(out / "e" / "f.txt")]
    with gzip.open(tmp_path / "c.txt.gz", "wt") as f:
        f.write("gz")
    assert extract_archive(str(tmp_path / "c.txt.gz")) == [str(tmp_path / "c.txt")]
    assert (tmp_path / "c.txt").read_text() == "gz"
    with pytest.raises(NotImplementedError):
        extract_archive(str(src))
