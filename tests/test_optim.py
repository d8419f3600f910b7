"""optim: SGD and Adam against their update rules written out by hand (and PyTorch when installed),
the Optimizer contract (groups, state dicts, validation) and the learning-rate schedules."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from autograd import Value
from autograd.examples import profit, profit_derivative
from optim import SGD, Adam, Optimizer
from optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, StepLR

START = [0.7, -1.3, 2.1]


def objective(ps: list[Value]) -> Value:
    """A smooth loss whose gradients change from step to step (so momentum buffers matter)."""
    a, b, c = ps
    return (a * b - 1.0) ** 2 + (b + c).sin() + 0.5 * c**2 * a + (a - 3.0).tanh()


def fresh() -> list[Value]:
    return [Value(x) for x in START]


def gradients(ps: list[Value]) -> list[float]:
    for p in ps:
        p.grad = 0.0
    objective(ps).backward()
    return [p.grad for p in ps]


# ---- the profit function -----------------------------------------------------------------------------
def test_sgd_on_minus_profit_walks_from_12_to_the_critical_point_3():
    x = Value(12.0)
    opt = SGD([x], lr=0.1)
    first = True
    for _ in range(200):
        opt.zero_grad()
        loss = -profit(x)
        loss.backward()
        expected = x.data - 0.1 * -profit_derivative(x.data)  # x ← x − lr·d(−P)/dx, by hand
        opt.step()
        assert x.data == pytest.approx(expected, abs=1e-12)
        if first:
            assert x.data == pytest.approx(12.0 - 0.1 * 36.0)  # P'(12) = −36: step towards smaller x
            first = False
    assert x.data == pytest.approx(3.0, abs=1e-9)


# ---- SGD by hand -------------------------------------------------------------------------------------
SGD_CASES = {
    "plain": {},
    "momentum": {"momentum": 0.9},
    "dampening": {"momentum": 0.8, "dampening": 0.3},
    "nesterov": {"momentum": 0.9, "nesterov": True},
    "weight_decay": {"weight_decay": 0.05},
    "all": {"momentum": 0.7, "dampening": 0.1, "weight_decay": 0.02},
    "nesterov_decay": {"momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
    "maximize": {"maximize": True},
    "maximize_all": {"momentum": 0.7, "dampening": 0.1, "weight_decay": 0.02, "maximize": True},
    "maximize_nesterov_decay": {"momentum": 0.5, "nesterov": True, "weight_decay": 0.1, "maximize": True},
}


@pytest.mark.parametrize("name", SGD_CASES)
def test_sgd_matches_the_update_rule_written_out_by_hand(name):
    kw = SGD_CASES[name]
    lr, mu = 0.05, kw.get("momentum", 0.0)
    tau, decay, nesterov = kw.get("dampening", 0.0), kw.get("weight_decay", 0.0), kw.get("nesterov", False)
    maximize = kw.get("maximize", False)
    ps = fresh()
    opt = SGD(ps, lr=lr, **kw)
    theta = list(START)
    buf: list[float | None] = [None] * 3
    for _ in range(6):
        grads = gradients(ps)
        for i, g in enumerate(grads):
            # PyTorch's documented algorithm: g ← −∇f if maximize, then weight decay, momentum, the step
            g = -g if maximize else g
            g = g + decay * theta[i]
            if mu:
                buf[i] = g if buf[i] is None else mu * buf[i] + (1 - tau) * g
                g = g + mu * buf[i] if nesterov else buf[i]
            theta[i] = theta[i] - lr * g
        opt.step()
        for p, t in zip(ps, theta):
            assert abs(p.data - t) <= 1e-12


ADAM_CASES = {
    "plain": {},
    "weight_decay": {"weight_decay": 0.03},
    "amsgrad": {"amsgrad": True},
    "maximize": {"maximize": True},
    "amsgrad_maximize_decay": {"amsgrad": True, "maximize": True, "weight_decay": 0.03},
}


def _adam_by_hand(kw: dict, lr: float, b1: float, b2: float, eps: float, steps: int) -> list[list[float]]:
    """PyTorch's documented Adam, written out for floats: the parameters after each step."""
    decay, amsgrad, maximize = kw.get("weight_decay", 0.0), kw.get("amsgrad", False), kw.get("maximize", False)
    ps = fresh()  # only for the gradients at each point, set from theta
    theta, m, v, v_max = list(START), [0.0] * 3, [0.0] * 3, [0.0] * 3
    history = []
    for t in range(1, steps + 1):
        for p, x in zip(ps, theta):
            p.data = x
        grads = gradients(ps)
        for i, g in enumerate(grads):
            g = -g if maximize else g
            g = g + decay * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1**t)
            if amsgrad:
                v_max[i] = max(v_max[i], v[i])
                v_hat = v_max[i] / (1 - b2**t)
            else:
                v_hat = v[i] / (1 - b2**t)
            theta[i] = theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        history.append(list(theta))
    return history


# β₂ = 0.6 lets v follow g² within a few steps, so it also falls and AMSGrad's max matters.
ADAM_SETTINGS = {"lr": 0.3, "betas": (0.9, 0.6), "eps": 1e-8}


@pytest.mark.parametrize("name", ADAM_CASES)
def test_adam_matches_the_update_rule_written_out_by_hand(name):
    kw = ADAM_CASES[name]
    lr, (b1, b2), eps = ADAM_SETTINGS["lr"], ADAM_SETTINGS["betas"], ADAM_SETTINGS["eps"]
    expected = _adam_by_hand(kw, lr, b1, b2, eps, 8)
    ps = fresh()
    opt = Adam(ps, **ADAM_SETTINGS, **kw)
    for want in expected:
        gradients(ps)
        opt.step()
        for p, x in zip(ps, want):
            assert abs(p.data - x) <= 1e-12
    assert opt.state[ps[0]]["step"] == 8


def test_amsgrad_changes_the_path_and_only_ever_shrinks_the_denominator():
    plain = _adam_by_hand({}, 0.3, 0.9, 0.6, 1e-8, 8)
    ams = _adam_by_hand({"amsgrad": True}, 0.3, 0.9, 0.6, 1e-8, 8)
    assert max(abs(a - b) for a, b in zip(plain[-1], ams[-1])) > 1e-3  # the cases above test something
    ps = fresh()
    opt = Adam(ps, **ADAM_SETTINGS, amsgrad=True)
    seen = []
    for _ in range(8):
        gradients(ps)
        opt.step()
        state = opt.state[ps[0]]
        assert state["max_exp_avg_sq"] >= state["exp_avg_sq"]
        seen.append(state["max_exp_avg_sq"])
    assert seen == sorted(seen)


@pytest.mark.parametrize("make", [lambda x: SGD([x], lr=0.1, maximize=True),
                                  lambda x: SGD([x], lr=0.05, momentum=0.5, maximize=True),
                                  lambda x: Adam([x], lr=0.5, maximize=True)])
def test_maximize_climbs_the_profit_to_its_critical_point_3(make):
    x = Value(12.0)
    opt = make(x)
    for _ in range(400):
        opt.zero_grad()
        profit(x).backward()  # the objective itself, no minus sign: maximize=True climbs it
        opt.step()
    assert x.data == pytest.approx(3.0, abs=1e-3)


def test_maximize_with_sgd_is_sgd_on_the_negated_loss():
    a, b = Value(12.0), Value(12.0)
    up, down = SGD([a], lr=0.05, momentum=0.9, maximize=True), SGD([b], lr=0.05, momentum=0.9)
    for _ in range(20):
        up.zero_grad(), down.zero_grad()
        profit(a).backward()
        (-profit(b)).backward()
        up.step(), down.step()
        assert a.data == b.data


def test_adam_first_step_moves_each_parameter_by_about_lr():
    # With m̂ = g and v̂ = g² at t = 1, the step is lr·g/(|g| + ε) ≈ lr·sign(g), whatever the scale of g.
    ps = [Value(1.0), Value(1.0)]
    loss = 1000.0 * ps[0] - 0.001 * ps[1]
    loss.backward()
    Adam(ps, lr=0.1).step()
    assert ps[0].data == pytest.approx(0.9, abs=1e-6)
    assert ps[1].data == pytest.approx(1.1, abs=1e-4)


# ---- against PyTorch ---------------------------------------------------------------------------------
def _torch_run(torch, make, steps: int) -> list[float]:
    ps = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    opt = make(ps)
    for _ in range(steps):
        opt.zero_grad()
        a, b, c = ps
        loss = (a * b - 1.0) ** 2 + torch.sin(b + c) + 0.5 * c**2 * a + torch.tanh(a - 3.0)
        loss.backward()
        opt.step()
    return [p.item() for p in ps]


def _our_run(make, steps: int) -> list[float]:
    ps = fresh()
    opt = make(ps)
    for _ in range(steps):
        gradients(ps)
        opt.step()
    return [p.data for p in ps]


@pytest.mark.parametrize("name", SGD_CASES)
def test_sgd_agrees_with_pytorch(name):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: the hand-written formulas still check SGD"
    )
    kw = SGD_CASES[name]
    theirs = _torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=0.05, **kw), 6)
    ours = _our_run(lambda ps: SGD(ps, lr=0.05, **kw), 6)
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("name", ADAM_CASES)
def test_adam_agrees_with_pytorch(name):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: the hand-written formulas still check Adam"
    )
    kw = ADAM_CASES[name]
    theirs = _torch_run(torch, lambda ps: torch.optim.Adam(ps, **ADAM_SETTINGS, **kw), 7)
    ours = _our_run(lambda ps: Adam(ps, **ADAM_SETTINGS, **kw), 7)
    assert ours == pytest.approx(theirs, abs=1e-12)


# ---- validation --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, words",
    [
        (lambda ps: SGD(ps, lr=0.0), "lr"),
        (lambda ps: SGD(ps, lr=-0.1), "lr"),
        (lambda ps: SGD(ps, lr=float("nan")), "lr"),
        (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), "momentum"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
        (lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=-1e-3), "weight_decay"),
        (lambda ps: Adam(ps, lr=0.0), "lr"),
        (lambda ps: Adam(ps, betas=(1.0, 0.999)), "betas[0]"),
        (lambda ps: Adam(ps, betas=(0.9, -0.1)), "betas[1]"),
        (lambda ps: Adam(ps, betas=(0.9,)), "betas"),
        (lambda ps: Adam(ps, eps=-1e-8), "eps"),
        (lambda ps: Adam(ps, eps=0), "eps=0.0; it must lie in (0, ∞)"),
        (lambda ps: Adam(ps, weight_decay=-0.1), "weight_decay"),
        (lambda ps: Adam(ps, amsgrad=1), "amsgrad must be True or False"),
        (lambda ps: Adam(ps, maximize="yes"), "maximize must be True or False"),
        (lambda ps: SGD(ps, lr=0.1, maximize=None), "maximize must be True or False"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=1), "nesterov must be True or False"),
    ],
)
def test_bad_hyper_parameters_raise_value_error_naming_them(make, words):
    with pytest.raises(ValueError, match=re_escape(words)):
        make([Value(1.0)])


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def test_the_lr_message_gives_the_valid_range():
    with pytest.raises(ValueError, match=r"lr=-0\.1.*\(0, ∞\)"):
        SGD([Value(1.0)], lr=-0.1)


def test_params_must_be_nonempty_leaf_values_in_a_list():
    with pytest.raises(ValueError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="not an autograd Value"):
        SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="leaves"):
        SGD([Value(1.0) * 2], lr=0.1)
    with pytest.raises(TypeError, match="set"):
        SGD({Value(1.0)}, lr=0.1)


# ---- groups and state ----------------------------------------------------------------------------------
def test_param_groups_keep_their_own_hyper_parameters():
    a, b = Value(1.0), Value(1.0)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[0]["momentum"] == 0.0  # defaults filled in
    a.grad = b.grad = 2.0
    opt.step()
    assert a.data == pytest.approx(1.0 - 0.1 * 2.0)
    assert b.data == pytest.approx(1.0 - 0.5 * 2.0)


def test_add_param_group_rejects_a_parameter_already_optimized():
    a, b = Value(1.0), Value(2.0)
    opt = Adam([a])
    opt.add_param_group({"params": [b], "lr": 0.1})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="another parameter group"):
        opt.add_param_group({"params": [a]})


def test_zero_grad_clears_every_gradient():
    ps = fresh()
    opt = SGD(ps, lr=0.1)
    gradients(ps)
    assert any(p.grad != 0 for p in ps)
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in ps)


def test_step_with_a_closure_returns_its_loss():
    ps = fresh()
    opt = SGD(ps, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = objective(ps)
        loss.backward()
        return loss

    before = objective(fresh()).data
    assert opt.step(closure).data == pytest.approx(before)


def test_adam_with_eps_zero_used_to_divide_zero_by_zero():
    # Why eps must be > 0: a parameter whose gradient is 0 has m = v = 0, so the step is 0/0.
    x = Value(1.0)
    with pytest.raises(ValueError, match="0 would divide 0 by 0"):
        Adam([x], eps=0.0)
    opt = Adam([x], eps=1e-8)
    opt.step()  # grad 0: no move, no error
    assert x.data == 1.0


def test_a_state_dict_saved_before_maximize_and_amsgrad_existed_still_loads():
    x = Value(1.0)
    opt = Adam([x], lr=0.1)
    old = json.loads(json.dumps(opt.state_dict()))
    for key in ("amsgrad", "maximize"):
        del old["param_groups"][0][key]
    fresh_opt = Adam([x], lr=0.1, amsgrad=True)  # a setting the save lacks takes this optimizer's value
    fresh_opt.load_state_dict(old)
    assert fresh_opt.param_groups[0]["amsgrad"] is True and fresh_opt.param_groups[0]["maximize"] is False
    fresh_opt.step()


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.05, momentum=0.9), lambda ps: Adam(ps, lr=0.01),
                                  lambda ps: Adam(ps, lr=0.01, amsgrad=True, maximize=True)])
def test_state_dict_survives_json_and_resumes_identically(make):
    ps = fresh()
    opt = make(ps)
    for _ in range(3):
        gradients(ps)
        opt.step()
    saved = json.loads(json.dumps(opt.state_dict()))
    assert set(saved) == {"state", "param_groups"}
    assert saved["param_groups"][0]["params"] == [0, 1, 2]
    twins = [Value(p.data) for p in ps]
    twin_opt = make(twins)
    twin_opt.load_state_dict(saved)
    for _ in range(3):
        gradients(ps)
        opt.step()
        gradients(twins)
        twin_opt.step()
    assert [p.data for p in twins] == [p.data for p in ps]


def test_load_state_dict_refuses_a_different_layout_and_changes_nothing():
    ps = fresh()
    opt = SGD(ps, lr=0.05, momentum=0.9)
    gradients(ps)
    opt.step()
    other = SGD([Value(1.0)], lr=0.3)
    with pytest.raises(ValueError, match="holds 1 parameters"):
        other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.3 and other.state == {}


def _trained_sgd_state():
    ps = fresh()
    opt = SGD(ps, lr=0.05, momentum=0.9)
    gradients(ps)
    opt.step()
    return json.loads(json.dumps(opt.state_dict()))  # as it comes back from a file


def _with_ids(saved, ids):
    saved["param_groups"][0]["params"] = ids
    return saved


def _with_state(saved, state):
    saved["state"] = state
    return saved


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda s: _with_ids(s, [0, "one", 2]), r"param_groups\[0\]\['params'\] holds 'one' where"),
        (lambda s: _with_ids(s, [0, 1.5, 2]), "holds 1.5 where a parameter index"),
        (lambda s: _with_ids(s, [0, None, 2]), "holds None where a parameter index"),
        (lambda s: _with_ids(s, [0, True, 2]), "holds True where a parameter index"),
        (lambda s: _with_ids(s, [0, -1, 2]), "holds -1 where a parameter index"),
        (lambda s: _with_ids(s, [0, 0, 2]), "index 0 appears twice"),
        (lambda s: _with_state(s, {"zero": {"momentum_buffer": 1.0}}), "'state' holds 'zero' where a"),
        (lambda s: _with_state(s, {"7": {"momentum_buffer": 1.0}}), "index '7', which no parameter group"),
        (lambda s: _with_state(s, {"0": 1.0}), "state of parameter '0' must be a dict"),
    ],
)
def test_load_state_dict_names_a_damaged_index_and_changes_nothing(damage, words):
    saved = damage(_trained_sgd_state())
    opt = SGD(fresh(), lr=0.3)
    with pytest.raises(ValueError, match=words):
        opt.load_state_dict(saved)
    assert opt.param_groups[0]["lr"] == 0.3 and opt.param_groups[0]["momentum"] == 0.0 and opt.state == {}


def test_load_state_dict_accepts_indices_as_numbers_or_as_json_key_text():
    saved = _trained_sgd_state()
    assert set(saved["state"]) == {"0", "1", "2"}  # JSON made the keys text
    saved["param_groups"][0]["params"] = ["0", "1", "2"]
    ps = fresh()
    opt = SGD(ps, lr=0.3)
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["momentum"] == 0.9 and set(opt.state) == set(ps)


def test_optim_does_not_import_nn():
    code = "import sys, optim; sys.exit(1 if 'nn' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_optimizer_base_needs_an_update_rule():
    class Nothing(Optimizer):
        pass

    opt = Nothing([Value(1.0)], {"lr": 0.1})
    with pytest.raises(NotImplementedError):
        opt.step()


# ---- schedules ---------------------------------------------------------------------------------------
def _lrs(make, n):
    opt = SGD([Value(1.0)], lr=0.5)
    sched = make(opt)
    seen = [sched.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr()[0])
        assert opt.param_groups[0]["lr"] == seen[-1]
    return seen


def test_step_lr_is_base_times_gamma_to_the_number_of_whole_periods():
    got = _lrs(lambda o: StepLR(o, step_size=3, gamma=0.5), 10)
    assert got == pytest.approx([0.5 * 0.5 ** (t // 3) for t in range(11)], abs=1e-15)


def test_exponential_lr_is_base_times_gamma_to_the_epoch():
    got = _lrs(lambda o: ExponentialLR(o, gamma=0.9), 10)
    assert got == pytest.approx([0.5 * 0.9**t for t in range(11)], abs=1e-15)


def test_cosine_annealing_follows_half_a_cosine_down_to_eta_min():
    got = _lrs(lambda o: CosineAnnealingLR(o, T_max=8, eta_min=0.1), 8)
    want = [0.1 + (0.5 - 0.1) * (1 + math.cos(math.pi * t / 8)) / 2 for t in range(9)]
    assert got == pytest.approx(want, abs=1e-15)
    assert got[0] == pytest.approx(0.5) and got[-1] == pytest.approx(0.1)


def test_scheduler_state_dict_round_trip_and_initial_lr():
    opt = SGD([Value(1.0)], lr=0.5)
    sched = StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(3):
        sched.step()
    state = json.loads(json.dumps(sched.state_dict()))
    assert state["last_epoch"] == 3 and opt.param_groups[0]["initial_lr"] == 0.5
    opt2 = SGD([Value(1.0)], lr=0.5)
    sched2 = StepLR(opt2, step_size=2, gamma=0.1)
    sched2.load_state_dict(state)
    sched.step()
    sched2.step()
    assert sched2.get_last_lr() == pytest.approx(sched.get_last_lr())


@pytest.mark.parametrize(
    "make",
    [
        lambda o: StepLR(o, step_size=0),
        lambda o: StepLR(o, step_size=2, gamma=0.0),
        lambda o: ExponentialLR(o, gamma=-1.0),
        lambda o: CosineAnnealingLR(o, T_max=0),
        lambda o: CosineAnnealingLR(o, T_max=5, eta_min=-0.1),
    ],
)
def test_bad_schedule_settings_raise(make):
    with pytest.raises(ValueError):
        make(SGD([Value(1.0)], lr=0.5))
