"""nn.module: Parameter, Neuron, Layer, MLP — structure, init, forward/backward, state and model files."""

from __future__ import annotations

import json
import math
import os
import random

import numpy as np
import pytest

import nn.module as nn_module
from autograd import Value
from nn import MLP, Layer, Module, Neuron, Parameter
from nn.module import FORMAT_VERSION, _checksum


# ---- structure -----------------------------------------------------------------------------------------
def test_parameter_is_a_slotted_value_drawn_as_a_parameter():
    p = Parameter(0.5, "w")
    assert isinstance(p, Value) and p.is_parameter and not Value(1.0).is_parameter
    assert not hasattr(p, "__dict__")
    (p * 2).backward()
    assert p.grad == 2.0


def test_mlp_2_16_16_1_has_337_parameters_with_dotted_names():
    model = MLP(2, [16, 16, 1], rng=0)
    assert len(model.parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    names = [name for name, _ in model.named_parameters()]
    assert len(set(names)) == 337
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.1.neurons.3.w.15" in names and names[-1] == "layers.2.neurons.0.b"
    assert all(isinstance(p, Parameter) for p in model.parameters())


def test_last_layer_is_linear_and_hidden_layers_use_the_activation():
    model = MLP(3, [4, 5, 2], activation="tanh", rng=1)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]


def test_same_seed_same_init_different_seed_different_init():
    a = [p.data for p in MLP(2, [8, 1], rng=7).parameters()]
    b = [p.data for p in MLP(2, [8, 1], rng=7).parameters()]
    c = [p.data for p in MLP(2, [8, 1], rng=8).parameters()]
    d = [p.data for p in MLP(2, [8, 1], rng=random.Random(7)).parameters()]
    assert a == b == d and a != c


def test_init_is_uniform_within_one_over_sqrt_fan_in():
    model = MLP(16, [64, 1], rng=3)
    first = [p.data for n in model.layers[0].neurons for p in [*n.w, n.b]]
    assert max(abs(x) for x in first) <= 1 / math.sqrt(16)
    assert max(abs(x) for x in first) > 0.9 / math.sqrt(16)  # the whole range is used
    assert abs(np.mean(first)) < 0.05


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda: MLP(0, [1]), ValueError),
        (lambda: MLP(2, []), ValueError),
        (lambda: MLP(2, [3, 0]), ValueError),
        (lambda: MLP(2, [1], activation="swish"), ValueError),
        (lambda: Neuron(2, rng="seed"), TypeError),
    ],
)
def test_bad_architectures_are_refused(make, error):
    with pytest.raises(error):
        make()


# ---- forward and backward ---------------------------------------------------------------------------------
ACTS = {
    "relu": lambda s: max(0.0, s),
    "tanh": math.tanh,
    "sigmoid": lambda s: 1 / (1 + math.exp(-s)),
    "linear": lambda s: s,
}


@pytest.mark.parametrize("activation", ACTS)
def test_neuron_computes_act_of_w_dot_x_plus_b_in_one_dot_node(activation):
    n = Neuron(3, activation, rng=5)
    x = [0.5, -1.0, 2.0]
    out = n(x)
    s = sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data
    assert out.data == pytest.approx(ACTS[activation](s), abs=1e-12)
    dot_node = out if activation == "linear" else out.parents[0]
    assert dot_node.op == "dot" and len(dot_node.parents) == 2 * 3 + 1


def test_a_layer_keeps_one_inputs_tuple_and_each_neuron_one_params_tuple():
    """Each dot node keeps its inputs and its parameters as tuples it shares: one inputs tuple per layer
    and sample (not one copy per neuron), one params tuple per neuron across samples."""
    from autograd.value import Leaves

    model = MLP(2, [4, 3, 1], rng=3)
    first, second = model.layers[0], model.layers[1]

    def layer2_dots() -> list[Value]:
        return [relu.parents[0] for relu in second._forward(first._forward([Value(1.0), Value(2.0)]))]

    one, another = layer2_dots(), layer2_dots()
    shared = one[0]._b  # the inputs: one tuple for the whole layer, the first layer's 4 outputs
    assert type(shared) is tuple and len(shared) == 4 and all(node._b is shared for node in one)
    for a, b, neuron in zip(one, another, second.neurons):
        assert a._a is b._a and type(a._a) is Leaves  # the params: the neuron's one tuple, every sample
        assert a.parents == (*neuron.w, *a._b, neuron.b)


def test_a_replaced_weight_or_bias_is_used_from_the_next_forward_on():
    n = Neuron(2, "linear", rng=1)
    x = [Value(1.5), Value(-2.0)]
    n(x).backward()
    old_w0, old_b = n.w[0], n.b
    n.w[0] = Parameter(10.0)  # in place, in the same list
    n.b = Parameter(-1.0)
    out = n(x)
    assert out.data == 10.0 * 1.5 + n.w[1].data * -2.0 - 1.0
    grads_before = (old_w0.grad, old_b.grad)
    out.backward()
    assert n.w[0].grad == 1.5 and n.b.grad == 1.0
    assert (old_w0.grad, old_b.grad) == grads_before  # the replaced ones get nothing more
    # a computed weight (not a leaf): the gradient flows on into what it was computed from
    scale = Value(3.0)
    n.w[1] = Parameter(0.5) * scale
    n(x).backward()
    assert scale.grad == 0.5 * -2.0


def test_weights_that_no_longer_match_the_inputs_are_refused_not_read_as_a_bias():
    """A dot node tells its bias by having one param more than inputs: one weight too few must not
    pass for a neuron with a bias (it would silently pair the bias with the last input)."""
    n = Neuron(2, "linear", rng=1)
    n.w.pop()
    with pytest.raises(ValueError, match=r"Neuron\(2\) has 1 weights; it needs one per input"):
        n([1.0, 2.0])
    model = MLP(2, [4, 3, 1], rng=0)
    model.layers[0] = Layer(2, 5, rng=1)  # 5 outputs into a layer built for 4 inputs
    with pytest.raises(ValueError, match="expects 4 inputs per example, got 5"):
        model([1.0, 2.0])


def test_a_neuron_without_a_bias_a_subclass_and_array_weights_still_compute_w_dot_x():
    x = [1.5, -2.0]
    n = Neuron(2, "linear", rng=2)
    n.b = None  # no bias: Σ wᵢxᵢ alone
    out = n(x)
    assert out.data == n.w[0].data * 1.5 + n.w[1].data * -2.0
    out.backward()
    assert [w.grad for w in n.w] == [1.5, -2.0]

    class Fixed(Neuron):  # sets what it needs itself, without Neuron.__init__
        def __init__(self) -> None:
            self.nin, self.activation, self._act = 2, "linear", None
            self.w, self.b = [Parameter(1.0), Parameter(2.0)], Parameter(0.5)

    assert Fixed()([1.0, 1.0]).data == 3.5
    m = Neuron(2, "linear", rng=3)
    expected = m(x).data
    m.w = np.array(m.w, dtype=object)  # not a list: its tuple is simply made on every call
    assert m(x).data == expected


def test_a_model_pickles_and_copies_with_every_protocol():
    import copy
    import pickle

    model = MLP(2, [3, 1], rng=4)
    x = [0.5, -1.0]
    model(x)  # a forward first, so that the neurons' packed parameters are part of what is copied
    copies = [pickle.loads(pickle.dumps(model, protocol)) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)]
    copies.append(copy.deepcopy(model))
    out = model(x)
    out.backward()
    grads = [p.grad for p in model.parameters()]
    for other in copies:
        other.zero_grad()
        copied = other(x)
        assert copied.data == out.data
        copied.backward()
        assert [p.grad for p in other.parameters()] == grads  # the copy's own parameters got them
        assert {id(p) for p in copied.parents if p.is_parameter} <= {id(p) for p in other.parameters()}


def test_model_returns_a_value_for_one_output_and_a_list_otherwise():
    assert isinstance(MLP(2, [4, 1], rng=0)([1.0, 2.0]), Value)
    out = MLP(2, [4, 3], rng=0)(np.array([1.0, 2.0]))
    assert isinstance(out, list) and len(out) == 3
    layer = Layer(2, 3, rng=0)
    assert len(layer([Value(1.0), 2])) == 3


def test_wrong_input_size_and_whole_arrays_are_refused_with_a_hint():
    model = MLP(2, [3, 1], rng=0)
    with pytest.raises(ValueError, match="expects 2 inputs"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"one example.*\[model\(x\) for x in X\]"):
        model(np.zeros((5, 2)))


def _mlp_output(model: MLP, x: list[float], values: list[float]) -> float:
    for p, v in zip(model.parameters(), values):
        p.data = v
    return model(x).data


def test_backward_through_an_mlp_matches_central_differences():
    model = MLP(2, [3, 3, 1], activation="tanh", rng=11)
    x = [0.3, -0.8]
    base = [p.data for p in model.parameters()]
    model.zero_grad()
    model(x).backward()
    analytic = [p.grad for p in model.parameters()]
    h = 1e-6
    for i in range(len(base)):
        up, down = list(base), list(base)
        up[i] += h
        down[i] -= h
        numeric = (_mlp_output(model, x, up) - _mlp_output(model, x, down)) / (2 * h)
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], rng=0)
    model([1.0, -1.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# ---- state dicts -------------------------------------------------------------------------------------------
def test_state_dict_round_trip_copies_every_number():
    a, b = MLP(2, [4, 1], rng=1), MLP(2, [4, 1], rng=2)
    b.load_state_dict(a.state_dict())
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert json.loads(json.dumps(a.state_dict())) == a.state_dict()


def test_load_state_dict_is_all_or_nothing():
    model = MLP(2, [4, 1], rng=1)
    before = model.state_dict()
    state = {name: 0.0 for name in before}
    state["layers.1.neurons.0.b"] = float("nan")  # the last entry is bad
    with pytest.raises(ValueError, match="layers.1.neurons.0.b"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    smaller = MLP(2, [3, 1], rng=1).state_dict()
    with pytest.raises(ValueError, match="different architecture"):
        model.load_state_dict(smaller)
    assert model.state_dict() == before


# ---- model files -------------------------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    model = MLP(2, [5, 3, 1], activation="tanh", rng=4)
    path = tmp_path / "model.json"
    model.save(path)
    return model, path


def test_save_then_load_rebuilds_the_same_model(saved):
    model, path = saved
    for loader in (MLP.load, Module.load):
        again = loader(path)
        assert type(again) is MLP and again.config() == model.config()
        assert again.state_dict() == model.state_dict()
        assert again([0.1, -0.4]).data == model([0.1, -0.4]).data
    doc = json.loads(path.read_text())
    assert doc["format"] == "gradstep-model" and doc["version"] == FORMAT_VERSION
    assert doc["class"] == "nn.module.MLP"  # module and qualified name: a user's own MLP cannot clash
    assert doc["config"] == {"nin": 2, "nouts": [5, 3, 1], "activation": "tanh"}
    assert not any(name.endswith(".tmp") or ".tmp." in name for name in os.listdir(path.parent))


def _rewrite(path, change):
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def _resign(doc):
    body = {k: v for k, v in doc.items() if k != "checksum"}
    doc["checksum"] = _checksum(body)


def _truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _tamper(path):
    _rewrite(path, lambda d: d["parameters"].update({"layers.0.neurons.0.w.0": 0.123}))


def _wrong_architecture(path):
    def change(doc):
        doc["config"]["nouts"] = [6, 3, 1]
        _resign(doc)  # a consistent file, but the numbers do not fit the architecture

    _rewrite(path, change)


def _neuron_file(path):
    Neuron(2, rng=0).save(path)


def _newer(path):
    _rewrite(path, lambda d: d.update(version=FORMAT_VERSION + 1))


BAD_FILES = {
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "truncated": (_truncate, "truncated"),
    "not json": (lambda p: p.write_text("weights: [1, 2, 3]\n"), "not valid JSON"),
    "json but not a model": (lambda p: p.write_text('{"hello": 1}'), "not a gradstep model"),
    "tampered": (_tamper, "checksum"),
    "wrong architecture": (_wrong_architecture, "wrong architecture"),
    "another class": (_neuron_file, "of class nn.module.Neuron, not nn.module.MLP"),
    "newer format": (_newer, "version"),
    "binary": (lambda p: p.write_bytes(b"\x80\x04\x95 pickle"), "not text"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_model_file_raises_a_clear_value_error_and_stays_untouched(saved, case):
    _, path = saved
    damage, words = BAD_FILES[case]
    damage(path)
    before = path.read_bytes()
    with pytest.raises(ValueError) as info:
        MLP.load(path)
    message = str(info.value)
    assert str(path) in message and words in message
    assert path.read_bytes() == before


def test_a_missing_file_names_the_path(tmp_path):
    with pytest.raises(ValueError, match="missing"):
        MLP.load(tmp_path / "nope.json")


def test_saving_a_diverged_model_fails_and_keeps_the_old_file(saved):
    model, path = saved
    before = path.read_bytes()
    model.parameters()[3].data = float("inf")
    with pytest.raises(ValueError, match="not finite"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["model.json"]


def test_custom_modules_without_config_say_how_to_make_them_savable(tmp_path):
    class Pair(Module):
        def __init__(self):
            self.a = Parameter(1.0)

    with pytest.raises(TypeError, match="config"):
        Pair().save(tmp_path / "pair.json")
    assert [n for n, _ in Pair().named_parameters()] == ["a"]


# ---- custom modules and the class registry -----------------------------------------------------------------
class Poly(Module):
    """A custom module whose constructor takes no rng: c₀ + c₁x + … + c_d·x^d."""

    def __init__(self, degree=2):
        self.degree = degree
        self.c = [Parameter(0.5 * k, f"c{k}") for k in range(degree + 1)]

    def __call__(self, x):
        return sum((c * x**k for k, c in enumerate(self.c)), Value(0.0))

    def config(self):
        return {"degree": self.degree}


def test_a_custom_module_without_rng_saves_and_loads(tmp_path):
    path = tmp_path / "poly.json"
    model = Poly(3)
    model.c[2].data = -1.25
    model.save(path)
    assert json.loads(path.read_text())["class"] == f"{__name__}.Poly"
    for loader in (Poly.load, Module.load):
        again = loader(path)
        assert type(again) is Poly and again.degree == 3
        assert again.state_dict() == model.state_dict()
        assert again(2.0).data == 0.0 + 0.5 * 2 + -1.25 * 4 + 1.5 * 8  # c₀ + c₁·2 + c₂·4 + c₃·8


def test_a_custom_constructor_with_rng_gets_a_seed_and_one_without_gets_none(tmp_path):
    seen = []

    class Seeded(Module):
        def __init__(self, n, rng=None):
            seen.append(rng)
            self.w = [Parameter(0.0) for _ in range(n)]

        def config(self):
            return {"n": len(self.w)}

    Seeded(2).save(tmp_path / "s.json")
    assert type(Seeded.load(tmp_path / "s.json")) is Seeded
    assert seen == [None, 0]


def _users_mlp_class():
    """A notebook's own class that happens to be called MLP (defined in __main__ of the notebook)."""

    class MLP(Module):  # noqa: N801 - the clash with nn.MLP's short name is the point
        def __init__(self, width=2):
            self.width = width
            self.w = [Parameter(1.0) for _ in range(width)]

        def config(self):
            return {"width": self.width}

    return MLP


def test_a_user_class_named_mlp_does_not_replace_nn_mlp(tmp_path):
    theirs = _users_mlp_class()
    ours_path, theirs_path = tmp_path / "ours.json", tmp_path / "theirs.json"
    MLP(2, [3, 1], rng=0).save(ours_path)
    theirs(4).save(theirs_path)
    for loader in (MLP.load, Module.load):
        assert type(loader(ours_path)) is MLP
    assert type(theirs.load(theirs_path)) is theirs and type(Module.load(theirs_path)) is theirs
    with pytest.raises(ValueError, match=r"nn\.module\.MLP, not .*<locals>\.MLP"):
        theirs.load(ours_path)
    with pytest.raises(ValueError, match=r"<locals>\.MLP, not nn\.module\.MLP"):
        MLP.load(theirs_path)


def _rename_class(path, name):
    _rewrite(path, lambda d: (d.update({"class": name}), _resign(d)))


def test_files_with_a_short_class_name_load_only_nn_classes(saved, tmp_path):
    model, path = saved
    _users_mlp_class()  # defined, yet a file that says just "MLP" still means nn's MLP
    _rename_class(path, "MLP")  # what files written before the qualified names say
    for loader in (MLP.load, Module.load):
        again = loader(path)
        assert type(again) is MLP and again.state_dict() == model.state_dict()
    poly_path = tmp_path / "poly.json"
    Poly(1).save(poly_path)
    _rename_class(poly_path, "Poly")
    before = poly_path.read_bytes()
    with pytest.raises(ValueError, match="'Poly', which is not one of nn's classes"):
        Module.load(poly_path)
    assert poly_path.read_bytes() == before


def test_a_file_of_a_class_not_defined_here_says_to_define_it(saved):
    _, path = saved
    _rename_class(path, "my_notebook.Net")
    with pytest.raises(ValueError, match="'my_notebook.Net', which is not defined in this program"):
        Module.load(path)


# ---- hostile files: refused before anything is built ---------------------------------------------------
def _huge_parameter(path):
    def change(doc):
        doc["parameters"]["layers.1.neurons.2.w.4"] = 10**400
        _resign(doc)

    _rewrite(path, change)


def _huge_architecture(path):
    def change(doc):
        doc["config"]["nouts"] = [4000, 4000, 1]  # 16 million parameters
        _resign(doc)

    _rewrite(path, change)


def test_a_parameter_too_large_for_a_float_is_a_value_error_naming_it(saved):
    _, path = saved
    _huge_parameter(path)
    before = path.read_bytes()
    for loader in (MLP.load, Module.load):
        with pytest.raises(ValueError) as info:
            loader(path)
        assert str(path) in str(info.value) and "'layers.1.neurons.2.w.4'" in str(info.value)
        assert "too large for a float" in str(info.value)
    assert path.read_bytes() == before


def test_a_whole_number_json_cannot_parse_is_a_value_error_naming_the_file(saved):
    _, path = saved
    doc = json.loads(path.read_text())
    text = json.dumps(doc).replace('"version": 1', '"version": 1, "junk": ' + "9" * 5000)
    path.write_text(text)
    with pytest.raises(ValueError, match="cannot read") as info:
        MLP.load(path)
    assert str(path) in str(info.value)


def test_an_oversized_architecture_is_refused_before_it_is_built(saved, monkeypatch):
    _, path = saved
    _huge_architecture(path)
    before = path.read_bytes()
    assert len(before) < 2000  # a tiny file that asks for 16 million Python objects

    def no_building(*args, **kwargs):
        raise AssertionError("load must refuse the file before building any layer")

    monkeypatch.setattr(Layer, "__init__", no_building)
    with pytest.raises(ValueError) as info:
        MLP.load(path)
    message = str(info.value)
    count = 2 * 4000 + 4000 + 4000 * 4000 + 4000 + 4000 + 1
    assert str(path) in message and f"{count:,} parameters" in message
    assert f"{nn_module.MAX_PARAMETERS:,}" in message
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "make, config",
    [
        (lambda: Neuron(5, rng=0), {"nin": 5}),
        (lambda: Layer(4, 3, rng=0), {"nin": 4, "nout": 3}),
        (lambda: MLP(3, [7, 2, 5], rng=0), {"nin": 3, "nouts": [7, 2, 5]}),
    ],
)
def test_the_parameter_count_from_a_config_matches_the_built_model(make, config):
    model = make()
    assert type(model).count_parameters(config) == len(model.parameters())
    assert type(model).count_parameters({}) is None  # cannot tell: the constructor will say what is wrong


def test_a_file_whose_numbers_do_not_match_its_config_is_refused_before_building(saved, monkeypatch):
    _, path = saved

    def change(doc):
        # A consistent checksum, but 2·50+50 + 50·50+50 + 50+1 = 2751 parameters against 37 stored.
        doc["config"]["nouts"] = [50, 50, 1]
        _resign(doc)

    _rewrite(path, change)
    monkeypatch.setattr(Layer, "__init__", lambda *a, **k: pytest.fail("built a layer"))
    with pytest.raises(ValueError, match="wrong architecture.*2,751 parameters but the file stores 37"):
        MLP.load(path)


def test_too_many_stored_parameters_are_refused_for_classes_that_cannot_count(tmp_path, monkeypatch):
    path = tmp_path / "poly.json"
    Poly(4).save(path)
    monkeypatch.setattr("nn.module.MAX_PARAMETERS", 3)
    with pytest.raises(ValueError, match="stores 5 parameters, over the limit of 3"):
        Poly.load(path)
