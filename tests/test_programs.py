"""Whole PyTorch programs, run unchanged under real torch and under ``python -m ember.run``.

Each program in ``tests/programs/`` is an ordinary PyTorch script (argparse, ``import torch``)
in the idioms of pytorch/examples and PyTorch's tutorials. A case runs one or more of them in a
fresh folder, once as ``python prog.py args`` with torch and once as
``python -m ember.run prog.py args``, same command line and folder layout, and compares what
they print:

- ``test_runs``: both exit 0 and print the same number of metric lines (``key value ...``)
  with the same keys.
- ``test_structure``: the output with every decimal number replaced by ``#`` (integers, reprs,
  ``torch.Size([...])``, grad_fn names, module reprs stay) is identical; object addresses and
  sampled text are left out.
- ``test_values``: every decimal number matches torch's to its printed precision plus a
  relative tolerance set per case, and sampled text (generated words and characters) is
  identical. The numbers come from seeded draws (``torch.manual_seed`` in every program: weight
  initialisation, batches, dropout masks, DataLoader shuffling, ``torch.multinomial``), so this
  holds only because ember's CPU generator reproduces torch's stream.

The programs run one after another, each in a tiny configuration. ``EMBER_PROGRAMS=long`` adds
the GRU and plain-RNN language models and the GPT with written-out masked attention resumed
from its checkpoint.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROGRAMS = REPO / "tests" / "programs"
DATA = PROGRAMS / "data" / "tinytext"
LONG = os.environ.get("EMBER_PROGRAMS") == "long"
TIMEOUT = 300

# A decimal number written by Python or by torch's tensor printing: 0.123, -1.5e-03, 2., 1e-05.
# Integers are not matched: they are counts, sizes and indices, compared exactly.
FLOAT = re.compile(
    r"(?<![\w.])[-+]?(?:\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)"
)
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# A metric line: words and numbers in pairs, "epoch 1 batch 3 loss 4.123456 ppl 61.8".
METRIC = re.compile(r"^(?:[A-Za-z_]\w*\s+[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)\s*)+$")


@dataclass
class Step:
    """One command of a case: a script under tests/programs and its arguments.

    ``samples`` matches the lines of stdout that are sampled text (compared only by
    test_values); ``files`` are output files of sampled text compared the same way.
    """

    script: str
    args: list[str]
    samples: str | None = None
    files: tuple[str, ...] = ()


@dataclass
class Case:
    id: str
    steps: list[Step]
    rtol: float = 1e-4
    xfail: dict[str, str] = field(default_factory=dict)  # test name -> reason
    long: bool = False


def _args(text: str) -> list[str]:
    return text.replace("{data}", str(DATA)).split()


WORD_LM = "--data {data} --emsize 16 --nhid 16 --nlayers 2 --batch_size 8 --bptt 12"
WORD_LM_RUN = WORD_LM + " --epochs 2 --log-interval 3 --max-batches 6"
GENERATE = "--data {data} --words 40 --log-interval 20 --temperature 0.8"
GPT = (
    "--input {data}/train.txt --batch_size 4 --block_size 16 --n_layer 2 --n_head 2 --n_embd 16"
    " --eval_iters 2 --log_interval 1 --warmup_iters 2 --lr_decay_iters 8"
)
SAMPLE = "--num_samples 2 --max_new_tokens 30 --top_k 10"
# sample.py prints the model size, the checkpoint it read, then samples between separators
SAMPLE_TEXT = r"^(?!number of parameters|checkpoint of iter|-{15}$)"

CASES = [
    Case(
        "regression",
        [Step("regression.py", _args("--steps 12 --batch-size 16 --lr 0.02 --momentum 0.9"))],
    ),
    Case(
        "time_sequence_lbfgs",
        [
            Step(
                "time_sequence.py",
                _args("--series 8 --length 40 --hidden 12 --steps 2 --future 10"),
            )
        ],
        rtol=1e-6,
    ),
    Case(
        "word_lm_lstm_tied",
        [
            Step("word_language_model/main.py", _args(WORD_LM_RUN + " --model LSTM --tied")),
            Step("word_language_model/generate.py", _args(GENERATE), files=("generated.txt",)),
        ],
    ),
    Case(
        "word_lm_transformer",
        [
            Step(
                "word_language_model/main.py",
                _args(WORD_LM_RUN + " --model Transformer --nhid 32 --nlayers 1 --lr 1"),
            ),
            Step("word_language_model/generate.py", _args(GENERATE), files=("generated.txt",)),
        ],
    ),
    Case(
        "word_lm_gru",
        [Step("word_language_model/main.py", _args(WORD_LM + " --model GRU --epochs 1"))],
        long=True,
    ),
    Case(
        "word_lm_rnn_tanh",
        [Step("word_language_model/main.py", _args(WORD_LM + " --model RNN_TANH --epochs 1"))],
        long=True,
    ),
    Case(
        "word_lm_rnn_relu",
        [Step("word_language_model/main.py", _args(WORD_LM + " --model RNN_RELU --epochs 1"))],
        long=True,
    ),
    Case(
        "char_gpt_sdpa_lambdalr",
        [
            Step(
                "char_gpt/train.py",
                _args(GPT + " --max_iters 6 --eval_interval 3 --schedule lambda --bias")
                + ["--gradient_accumulation_steps", "2", "--dropout", "0.1"],
            ),
            Step("char_gpt/sample.py", _args(SAMPLE + " --start the"), samples=SAMPLE_TEXT),
        ],
    ),
    Case(
        "char_gpt_masked_resume",
        [
            Step("char_gpt/train.py", _args(GPT + " --max_iters 4 --eval_interval 2 --no-flash")),
            Step(
                "char_gpt/train.py",
                _args(GPT + " --max_iters 6 --eval_interval 2 --no-flash --init_from resume"),
            ),
        ],
        long=True,
    ),
    Case(
        "frozen_batchnorm_train_override",
        [Step("frozen_bn.py", _args("--steps 3"))],
    ),
    Case(
        "dcgan_weights_init",
        [Step("dcgan.py", _args("--images 32 --batchSize 16"))],
    ),
    Case(
        "lenet_grad_fn_and_pickle",
        [Step("lenet_autograd.py", [])],
    ),
]


@dataclass
class Output:
    """What one backend printed over a case's steps."""

    kept: list[str]  # lines that are not sampled text, addresses masked
    sampled: list[str]  # lines of sampled text
    files: list[str]  # the sampled-text files the steps wrote
    errors: list[str]  # one entry per failed step: its command and the end of its stderr


def _run_case(case: Case, backend: str, folder: Path) -> Output:
    folder.mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    launcher = [sys.executable] if backend == "torch" else [sys.executable, "-m", "ember.run"]
    out = Output([], [], [], [])
    for step in case.steps:
        command = [*launcher, str(PROGRAMS / step.script), *step.args]
        try:
            proc = subprocess.run(
                command, cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired:
            out.errors.append(f"{step.script}: timed out after {TIMEOUT} s")
            break
        sampled = re.compile(step.samples) if step.samples else None
        for line in proc.stdout.splitlines():
            if sampled is not None and sampled.search(line):
                out.sampled.append(line)
            else:
                out.kept.append(ADDRESS.sub("0x?", line))
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.splitlines()[-15:])
            out.errors.append(f"{step.script} exited {proc.returncode}:\n{tail}")
            break
        for name in step.files:
            out.files.append((folder / name).read_text())
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Runs each case once per backend, on first use, and keeps the outputs for the tests."""
    cache: dict[str, tuple[Output, Output]] = {}

    def get(case: Case) -> tuple[Output, Output]:
        if case.id not in cache:
            root = tmp_path_factory.mktemp(case.id)
            cache[case.id] = (
                _run_case(case, "torch", root / "torch"),
                _run_case(case, "ember", root / "ember"),
            )
        return cache[case.id]

    return get


def _params(test: str):
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=case.xfail[test])]
            if test in case.xfail
            else [],
        )
        for case in CASES
        if LONG or not case.long
    ]


def _metric_keys(lines: list[str]) -> list[str]:
    return [" ".join(line.split()[::2]) for line in lines if METRIC.match(line)]


def _skeleton(lines: list[str]) -> str:
    """The text with decimal numbers as '#', without the spaces that pad and wrap them."""
    text = " ".join(FLOAT.sub("#", "\n".join(lines)).split())
    return re.sub(r" ?# ?", "#", text)


def _resolution(text: str) -> float:
    """Half a unit in the last printed digit of a number: the rounding its printing did."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def _check_ran(torch_out: Output, ember_out: Output):
    assert not torch_out.errors, f"the program failed under torch: {torch_out.errors}"
    assert not ember_out.errors, f"the program failed under ember.run: {ember_out.errors}"


@pytest.mark.parametrize("case", _params("test_runs"))
def test_runs(case, outputs):
    torch_out, ember_out = outputs(case)
    _check_ran(torch_out, ember_out)
    expected = _metric_keys(torch_out.kept)
    assert expected, "the program printed no metric lines under torch"
    assert _metric_keys(ember_out.kept) == expected


@pytest.mark.parametrize("case", _params("test_structure"))
def test_structure(case, outputs):
    torch_out, ember_out = outputs(case)
    _check_ran(torch_out, ember_out)
    assert ember_out.kept, "nothing printed under ember.run"
    got, want = _skeleton(ember_out.kept), _skeleton(torch_out.kept)
    if got != want:
        diff = difflib.unified_diff(
            [_skeleton([line]) for line in torch_out.kept],
            [_skeleton([line]) for line in ember_out.kept],
            "torch",
            "ember",
            n=1,
            lineterm="",
        )
        pytest.fail("the outputs differ beyond their decimal numbers:\n" + "\n".join(diff))
    assert bool(ember_out.sampled) == bool(torch_out.sampled)
    assert [len(f.split()) for f in ember_out.files] == [len(f.split()) for f in torch_out.files]


@pytest.mark.parametrize("case", _params("test_values"))
def test_values(case, outputs):
    torch_out, ember_out = outputs(case)
    _check_ran(torch_out, ember_out)
    want = FLOAT.findall("\n".join(torch_out.kept))
    got = FLOAT.findall("\n".join(ember_out.kept))
    assert len(got) == len(want), "a different count of numbers (see test_structure)"
    bad = [
        (i, g, w)
        for i, (g, w) in enumerate(zip(got, want))
        if abs(float(g) - float(w)) > case.rtol * abs(float(w)) + _resolution(g) + _resolution(w)
    ]
    assert not bad, f"{len(bad)} of {len(want)} numbers differ (index, ember, torch): {bad[:8]}"
    assert ember_out.sampled == torch_out.sampled
    assert ember_out.files == torch_out.files
