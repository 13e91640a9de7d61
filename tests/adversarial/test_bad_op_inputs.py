"""The adversarial suite's bad op inputs: every case of :mod:`.bad_inputs` on ember and torch.

ember must raise torch's exception type with torch's message, or return what torch returns,
except for the differences listed in ``KNOWN`` with their reason. The default run is a fixed
sample (about 540 calls, a few seconds); ``EMBER_ADVERSARIAL=long`` runs every combination of
the generators (over 3,600), and ``python -m tests.adversarial.bad_inputs long`` prints them.
"""

from __future__ import annotations

from . import bad_inputs
from .cases import scale

KNOWN = {
    # torch infers a NumPy scalar's own dtype inside a list (float64 here); ember looks at the
    # array NumPy builds, where Python floats and NumPy's float64 are alike, and walking every
    # list to tell them apart would slow every ember.tensor(list)
    "tensor[v] v=np.float64(300.0) dtype=None": "NumPy scalar inside a list",
    "tensor[1,v] v=np.float64(300.0) dtype=None": "NumPy scalar inside a list",
    "tensor[[1.5],[v]] v=np.float64(300.0) dtype=None": "NumPy scalar inside a list",
    "as_tensor[v] v=np.float64(300.0) dtype=None": "NumPy scalar inside a list",
    # torch's parser words these after how each argument was passed (positionally, by keyword,
    # as a method or a function); ember raises the same TypeError with its own words
    "conv2d stride 1.5": "parser message depends on the call form",
    "view(2.5, 2)": "parser message depends on the call form",
    "randint(None,)": "an explicit size=None cannot be told from an omitted one",
    # ember binds Tensor.flip and ember.flip to one function (varargs dims, as the method);
    # torch's function alone refuses an int
    "torch.flip(x, 0)": "one implementation for method and function",
    # ops/shape.py is at the 800-line limit: same type, message without torch's detail
    "reshape(-2, 3)": "message lacks 'at index 0 of shape [-2, 3]'",
    "narrow(0, -5, 1)": "IndexError 'start out of range' is ember's RuntimeError",
    "narrow(0, 0, -1)": "message is ember's 'exceeds dimension size'",
}


def test_bad_op_inputs_raise_what_torch_raises():
    cases = bad_inputs.cases(scale())
    tried, bad = bad_inputs.compare(cases)
    unexpected = [
        f"{name}: ember {e.kind} {e.text[:160]!r}, torch {t.kind} {t.text[:160]!r}"
        for name, e, t in bad
        if name not in KNOWN
    ]
    assert tried >= 450
    assert not unexpected, "\n".join(unexpected)


def test_the_known_differences_are_still_real():
    """A difference fixed since is taken off ``KNOWN``, so the list says what is true."""
    names = {case.name: case for case in bad_inputs.cases("long")}
    fixed = [
        name
        for name in KNOWN
        if bad_inputs.outcome(names[name], bad_inputs.ember)
        == bad_inputs.outcome(names[name], bad_inputs.torch)
    ]
    assert not fixed, f"fixed, take off KNOWN: {fixed}"
