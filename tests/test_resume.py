"""Resume: train N steps, checkpoint everything, continue in a fresh process, and finish with
parameters bit-identical to an uninterrupted run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import ember as torch
    from ember import nn

    mode, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    steps_total, steps_first = 16, 7

    def build():
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))
        opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.7)
        return model, opt, sched

    def train(model, opt, sched, start, stop, data_x, data_y):
        for step in range(start, stop):
            idx = torch.randint(0, data_x.shape[0], (8,))   # draws on the default generator
            opt.zero_grad()
            loss = ((model(data_x[idx]) - data_y[idx]) ** 2).mean()
            loss.backward()
            opt.step()
            sched.step()

    torch.manual_seed(0)
    data_x = torch.randn(64, 6)
    data_y = data_x.sum(1, keepdim=True).sin()
    model, opt, sched = build()
    if mode == "full":
        train(model, opt, sched, 0, steps_total, data_x, data_y)
    elif mode == "first":
        train(model, opt, sched, 0, steps_first, data_x, data_y)
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(), "rng": torch.get_rng_state(),
                    "step": steps_first}, path)
    else:
        state = torch.load(path)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"])
        train(model, opt, sched, state["step"], steps_total, data_x, data_y)
    np.savez(out, *[p.detach().numpy() for p in model.parameters()])
""")


def _run(tmp_path, *args):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    subprocess.run([sys.executable, str(script), *args], check=True, timeout=300)


def test_resume_in_a_fresh_process_is_bit_identical(tmp_path):
    ckpt = tmp_path / "ckpt.pt"
    _run(tmp_path, "full", str(ckpt), str(tmp_path / "full.npz"))
    _run(tmp_path, "first", str(ckpt), str(tmp_path / "first.npz"))
    _run(tmp_path, "resume", str(ckpt), str(tmp_path / "resumed.npz"))
    full = np.load(tmp_path / "full.npz")
    resumed = np.load(tmp_path / "resumed.npz")
    first = np.load(tmp_path / "first.npz")
    assert len(full.files) == len(resumed.files) == 4
    for k in full.files:
        assert np.array_equal(full[k], resumed[k]), k
    # the checkpoint really was taken midway: the first half alone ends elsewhere
    assert any(not np.array_equal(full[k], first[k]) for k in full.files)
