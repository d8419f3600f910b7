"""Networks built from Values: ``Parameter``, ``Module``, ``Neuron``, ``Layer``, ``MLP``.

A neuron computes act(w₁x₁ + … + wₙxₙ + b). Its weighted sum is *one* graph node,
``autograd.dot(w, x, b)``, whose local derivatives are simply xᵢ (for wᵢ), wᵢ (for xᵢ) and 1 (for b):
one n-ary node instead of 2n binary ones is what makes a training step take milliseconds. (A neuron
builds it with ``autograd.value.dot_node``, passing its parameters as one tuple it keeps and the layer's
inputs as one tuple all its neurons share, so a node costs no copies of either.)

Initialisation (INIT): weights are drawn uniformly from [−1/√nin, 1/√nin] and biases from the same
range (the scheme of PyTorch's ``nn.Linear``). Scaling by 1/√nin keeps a weighted sum of nin inputs
about as large as one input, whatever the layer's width; with micrograd's U(−1, 1) the sums in a
16-wide layer start four times larger, and ReLU networks then need a smaller learning rate to train.
Random biases spread the ReLU kinks over the input plane instead of starting them all at the
origin, which helps on the moons. Pass ``rng`` (an int seed or a ``random.Random``) to make the draw
reproducible.

Saving never uses pickle: ``save(path)`` writes JSON (architecture, format version, the numbers and a
SHA-256 checksum of all of it), atomically; ``Module.load(path)`` rebuilds the model or raises
``ValueError`` naming the file and what is wrong with it. A file names its class by module and
qualified name (``"nn.module.MLP"``, ``"__main__.Poly"``), so a notebook's own ``class MLP(Module)``
never stands in for gradstep's. Loading imports nothing: a custom class must be defined (or
imported) before its file is loaded.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import numbers
import os
import random
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from autograd import Value
from autograd.files import atomic_write_text, file_kind
from autograd.value import Leaves, dot_node

__all__ = [
    "Parameter",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "ACTIVATIONS",
    "make_rng",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_PARAMETERS",
    "max_model_file_bytes",
    "class_key",
]

FORMAT = "gradstep-model"
FORMAT_VERSION = 1

#: Neither building (``MLP(...)``, ``Layer(...)``, ``Neuron(...)``) nor ``load`` goes beyond this many
#: parameters. Every parameter is a Python object (a few hundred bytes with its float, name and
#: graph slots): a million of them take seconds to build and tens of seconds to load, far beyond what
#: a scalar engine can train, and in a file a likely sign of damage or hostility. (The largest model
#: in the course has a few hundred.) Raise it deliberately if you really mean to go bigger.
MAX_PARAMETERS = 1_000_000

#: A saved parameter takes about 55 bytes of JSON (its dotted name, the number, indentation); ``load``
#: refuses a file larger than this many bytes per allowed parameter before reading any of it.
BYTES_PER_PARAMETER = 160

#: The activation functions a neuron can apply to its weighted sum ("linear" applies none).
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}

M = TypeVar("M", bound="Module")

#: nn's own classes by short name (filled in below their definitions). Files written before
#: class names were qualified say just "MLP"; such names can only mean these.
_BUILTINS: dict[str, type[Module]] = {}


class Parameter(Value):
    """A Value the model learns. Pictures draw parameters differently from inputs and constants."""

    __slots__ = ()
    is_parameter = True

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Parameter(data={self.data!r}, grad={self.grad!r}{label})"


def make_rng(rng: random.Random | int | None) -> random.Random:
    """A ``random.Random`` from a seed (int), an existing generator, or None (a fresh, unseeded one)."""
    if rng is None:
        return random.Random()
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return random.Random(int(rng))
    raise TypeError(f"rng must be an int seed, a random.Random or None, got {type(rng).__name__} {rng!r}")


def max_model_file_bytes() -> int:
    """The largest model file ``load`` reads: room for ``MAX_PARAMETERS`` parameters, plus a margin."""
    return MAX_PARAMETERS * BYTES_PER_PARAMETER + 64 * 1024


def _digits(n: int) -> int:
    return int(abs(n).bit_length() * math.log10(2)) + 1


def _how_many(n: int) -> str:
    """``n`` with thousands separators, or its size in digits when it is too long to print usefully."""
    return f"{n:,}" if n.bit_length() <= 200 else f"about 10^{_digits(n) - 1:,}"


def _size_text(n: int) -> str:
    """A layer size as it was typed, or a stand-in when printing it would be useless (or impossible)."""
    return str(n) if n.bit_length() <= 64 else f"<a {_digits(n):,}-digit number>"


def _check_budget(what: str, count: int) -> None:
    """Refuse to build a model of more than ``MAX_PARAMETERS`` parameters (before building any of it)."""
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{what} would have {_how_many(count)} parameters, over the limit of {MAX_PARAMETERS:,} "
            "(nn.module.MAX_PARAMETERS): a scalar engine builds each one as a Python object, so this would "
            "take minutes and gigabytes. Use smaller layers (the course's models have a few hundred "
            "parameters), or raise nn.module.MAX_PARAMETERS if you really mean it"
        )


def _check_count(owner: str, name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{owner}: {name} must be a whole number ≥ 1, got {n!r}")
    return int(n)


def _check_activation(owner: str, activation: Any) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{owner}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    return str(activation)


def _as_inputs(x: Any, nin: int, owner: str) -> list[Value]:
    """One example's inputs as Values (numbers are wrapped once here, not once per neuron)."""
    if isinstance(x, (Value, numbers.Real)):
        x = [x]
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape) > 1:
        raise ValueError(
            f"{owner} takes one example (a list of {nin} numbers) at a time, got an array of shape "
            f"{tuple(shape)}; for a data set use [model(x) for x in X]"
        )
    try:
        items = list(x)
    except TypeError:
        raise TypeError(f"{owner} takes a list of {nin} Values or numbers, got {type(x).__name__}") from None
    if len(items) != nin:
        raise ValueError(f"{owner} expects {nin} inputs per example, got {len(items)}")
    # Numbers become inputs named x1 … xn, so every picture of the graph can say which input is which.
    return [v if isinstance(v, Value) else Value(v, f"x{i + 1}") for i, v in enumerate(items)]


class Module:
    """Base class of everything with parameters.

    Parameters are found by walking the instance's attributes in the order they were set: a
    :class:`Parameter`, a sub-``Module``, or a list/tuple of either. Names join the attribute names
    and list indices with dots, e.g. ``"layers.0.neurons.3.w.1"``.

    Saving a custom module (the contract ``save``/``load`` rely on):

    * :meth:`config` returns a JSON-able dict of *keyword arguments* such that
      ``type(self)(**self.config())`` builds the same architecture (the same parameter names).
    * ``load`` calls the constructor with exactly those keywords, plus ``rng=0`` if the constructor
      has a parameter named ``rng`` (the initial values are overwritten by the saved ones anyway; a
      fixed seed just keeps the build deterministic). Then it loads the numbers with
      :meth:`load_state_dict`, which insists the names match.
    * Optionally, the class method :meth:`count_parameters` computes the parameter count from a
      config, so that ``load`` can refuse an oversized or inconsistent file before building anything.
    * The class must exist, under the same module and qualified name, when the file is loaded.

    >>> class Poly(Module):
    ...     def __init__(self, degree=2):
    ...         self.degree = degree
    ...         self.c = [Parameter(0.0) for _ in range(degree + 1)]
    ...     def config(self):
    ...         return {"degree": self.degree}
    """

    #: Every subclass by ``"module.QualifiedName"``; ``load`` looks the file's "class" up here.
    _registry: ClassVar[dict[str, type[Module]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Module._registry[class_key(cls)] = cls

    def __call__(self, x: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __call__")

    # ---- parameters -----------------------------------------------------------------------------
    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """(name, parameter) pairs in a fixed order, e.g. ("layers.0.neurons.0.w.0", p)."""
        return list(self._walk(""))

    def _walk(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            yield from _walk_value(prefix + name, value)

    def parameters(self) -> list[Parameter]:
        """Every parameter, in the order of :meth:`named_parameters`."""
        return [p for _, p in self._walk("")]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients add up across ``backward()`` calls)."""
        for p in self.parameters():
            p.grad = 0.0

    # ---- state ------------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """{name: number} for every parameter (JSON-able)."""
        return {name: p.data for name, p in self._walk("")}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> None:
        """Set the parameters from ``state`` — all of them or, if anything is wrong, none.

        With ``strict`` (the default) the names must match exactly: a missing or unexpected name means
        the numbers belong to a different architecture. Every value must be a finite real number.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{owner} takes a dict of name → number, got {type(state).__name__}")
        mine = dict(self._walk(""))
        missing = [k for k in mine if k not in state]
        unexpected = [k for k in state if k not in mine]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"{len(missing)} missing ({_few(missing)})")
            if unexpected:
                parts.append(f"{len(unexpected)} unexpected ({_few(unexpected)})")
            raise ValueError(
                f"{owner}: the names do not match this model's {len(mine)} parameters: {'; '.join(parts)}. "
                "The numbers come from a different architecture."
            )
        updates = []
        for name, p in mine.items():
            if name not in state:
                continue
            updates.append((p, _finite_float(owner, name, state[name])))
        for p, value in updates:  # only after every value passed the checks above
            p.data = value

    # ---- saving -------------------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The constructor's keyword arguments that rebuild this architecture (a JSON-able dict).

        ``type(self)(**self.config())`` must build a module with the same parameter names; ``load``
        relies on it (see the class docstring).
        """
        raise TypeError(
            f"{type(self).__name__} cannot be saved: define config() returning its constructor arguments "
            "as a JSON-able dict, so that load() can rebuild it"
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and parameters to ``path`` as JSON (atomically; never pickle).

        Raises ValueError (and leaves any existing file untouched) if a parameter is NaN or infinite.
        """
        bad = [name for name, p in self._walk("") if not math.isfinite(p.data)]
        if bad:
            raise ValueError(
                f"cannot save to {os.fspath(path)!r}: {len(bad)} parameters are not finite ({_few(bad)}); "
                "training diverged (try a smaller learning rate)"
            )
        body = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "class": class_key(type(self)),
            "config": self.config(),
            "parameters": self.state_dict(),
        }
        document = dict(body, checksum=_checksum(body))
        atomic_write_text(path, json.dumps(document, indent=1, allow_nan=False) + "\n")

    @classmethod
    def count_parameters(cls, config: Mapping[str, Any]) -> int | None:
        """How many parameters ``cls(**config)`` would have, or None if it cannot tell without building.

        ``load`` uses it to refuse an oversized or inconsistent file before building anything. The
        default cannot tell; nn's own classes compute it, and a custom class may override it.
        """
        return None

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str]) -> M:
        """Rebuild a model saved by :meth:`save`.

        ``MLP.load(path)`` insists on an MLP; ``Module.load(path)`` takes any class that is defined.
        A missing, empty, truncated, non-JSON, tampered, oversized or wrong-architecture file raises
        ``ValueError`` naming the file and what is wrong; nothing is half-loaded and the file is never
        written.
        """
        name = os.fspath(path)
        try:
            return cls._load(name)
        except RecursionError:
            raise ValueError(f"model file {name!r} is nested too deeply to be a saved model") from None
        except MemoryError:
            raise ValueError(f"model file {name!r} needs more memory than this machine has to load") from None

    @classmethod
    def _load(cls: type[M], name: str) -> M:
        body = _read_model_file(name)
        klass = _find_class(name, body["class"])
        if not issubclass(klass, cls):
            raise ValueError(
                f"{name!r} holds a model of class {class_key(klass)}, not {class_key(cls)} (wrong "
                f"architecture); load it with {klass.__qualname__}.load or Module.load"
            )
        config, stored = body["config"], body["parameters"]
        if not isinstance(config, dict):
            raise ValueError(f"{name!r}: 'config' must be a JSON object, got {type(config).__name__}")
        if not isinstance(stored, dict):
            raise ValueError(f"{name!r}: 'parameters' must be a JSON object, got {type(stored).__name__}")
        _check_size(name, klass, config, len(stored))
        kwargs = dict(config)
        if "rng" not in kwargs and _takes_rng(klass):
            kwargs["rng"] = 0
        try:
            model = klass(**kwargs)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{name!r} does not describe a valid {klass.__qualname__} (wrong architecture): {err}"
            ) from None
        try:
            model.load_state_dict(stored)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name!r} holds parameters that do not fit: {err}") from None
        return model

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.parameters())} parameters)"


def _finite_float(owner: str, name: str, value: Any) -> float:
    """``value`` as a finite float, or ValueError naming the parameter (a whole number like 10**400
    is a real number but has no float: converting it raises OverflowError, which is caught here)."""
    bad = isinstance(value, bool) or not isinstance(value, numbers.Real)
    if not bad:
        try:
            number = float(value)
        except OverflowError:
            # str() of a huge int may itself fail (Python's 4300-digit limit): describe it by its size.
            digits = int(int(value).bit_length() * math.log10(2)) + 1
            shown = f"a whole number of about {digits} digits"
            raise ValueError(
                f"{owner}: parameter {name!r} is {shown}, too large for a float (at most about 1.8e308)"
            ) from None
        bad = not math.isfinite(number)
    if bad:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
        raise ValueError(f"{owner}: parameter {name!r} must be a finite real number, got {shown}")
    return number


def class_key(cls: type) -> str:
    """The name a model file uses for a class: ``"module.QualifiedName"``, e.g. ``"nn.module.MLP"``."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _find_class(name: str, key: Any) -> type[Module]:
    """The class a file's "class" entry names. Short names (``"MLP"``) can only mean nn's own classes."""
    if not isinstance(key, str):
        raise ValueError(f"{name!r}: 'class' must be a class name, got {key!r}")
    # nn's own classes are looked up in their own table, never in the registry that user classes fill.
    own = key.removeprefix(f"{__name__}.") if key.startswith(f"{__name__}.") or "." not in key else None
    klass = _BUILTINS.get(own) if own is not None else Module._registry.get(key)
    if klass is not None:
        return klass
    if "." not in key:
        raise ValueError(
            f"{name!r} holds a model of class {key!r}, which is not one of nn's classes "
            f"({', '.join(_BUILTINS)}); files of custom modules name the module too, e.g. '__main__.{key}'"
        )
    raise ValueError(
        f"{name!r} holds a model of class {key!r}, which is not defined in this program; define or import "
        "that class first (loading never imports code), then load the file"
    )


def _takes_rng(klass: type) -> bool:
    try:
        return "rng" in inspect.signature(klass).parameters
    except (TypeError, ValueError):  # no signature to inspect: pass only what config() gave
        return False


def _check_size(name: str, klass: type[Module], config: Mapping[str, Any], stored: int) -> None:
    """Refuse a file whose architecture is too large, or disagrees with its numbers, before building it."""
    count = klass.count_parameters(config)
    for what, n in (("describes a model with", count), ("stores", stored)):
        if n is not None and n > MAX_PARAMETERS:
            raise ValueError(
                f"{name!r} {what} {_how_many(n)} parameters, over the limit of {MAX_PARAMETERS:,} "
                "(nn.module.MAX_PARAMETERS) for a scalar engine; refusing to build it"
            )
    if count is not None and count != stored:
        raise ValueError(
            f"{name!r} does not describe a valid {klass.__qualname__} (wrong architecture): its config "
            f"{_config_text(config)} means {_how_many(count)} parameters but the file stores {stored:,}"
        )


def _count(value: Any) -> int | None:
    """A layer size as an int, or None if it is not a whole number ≥ 1 (the constructor then says so)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        return None
    return int(value)


def _walk_value(name: str, value: Any) -> Iterator[tuple[str, Parameter]]:
    if isinstance(value, Parameter):
        yield name, value
    elif isinstance(value, Module):
        yield from value._walk(name + ".")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, (Parameter, Module)):
                yield from _walk_value(f"{name}.{i}", item)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _config_text(config: Mapping[str, Any]) -> str:
    try:
        return _short(json.dumps(config))
    except (TypeError, ValueError, RecursionError):
        return "(its config)"


def _few(names: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(names[:n])
    return shown + (f", … {len(names) - n} more" if len(names) > n else "")


def _checksum(body: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of everything but the checksum (catches edits and damage).

    An integrity check, not a signature: whoever can edit the file can recompute it.
    """
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _read_model_file(name: str) -> dict[str, Any]:
    """Parse and verify a saved model, or raise ValueError that names the file and the problem."""
    raw = _read_bounded(name)
    if not raw.strip():
        raise ValueError(f"model file {name!r} is empty ({len(raw)} bytes); it was never written completely")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"model file {name!r} is not text (not UTF-8), so it is not a saved model") from None
    try:
        body = json.loads(text)
    except RecursionError:
        raise ValueError(f"model file {name!r} is nested too deeply to be a saved model") from None
    except json.JSONDecodeError as err:
        cut = err.pos >= len(text.rstrip())
        why = "it ends too early (truncated)" if cut else f"line {err.lineno}, column {err.colno}: {err.msg}"
        raise ValueError(f"model file {name!r} is not valid JSON: {why}") from None
    except ValueError as err:  # e.g. a whole number of over 4300 digits, which Python refuses to parse
        raise ValueError(f"model file {name!r} holds a number gradstep cannot read: {err}") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ValueError(f'{name!r} is JSON but not a gradstep model file (no "format": "{FORMAT}")')
    version = body.get("version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"{name!r} has model format version {version!r}; this gradstep reads version {FORMAT_VERSION}"
        )
    missing = [k for k in ("class", "config", "parameters", "checksum") if k not in body]
    if missing:
        raise ValueError(f"model file {name!r} lacks {', '.join(missing)}")
    stored = body.pop("checksum")
    try:
        actual = _checksum(body)
    except (TypeError, ValueError, RecursionError):
        actual = None
    if stored != actual:
        raise ValueError(
            f"model file {name!r} failed its checksum: its contents changed after it was saved "
            "(edited or damaged); refusing to load it"
        )
    return body


def _read_bounded(name: str) -> bytes:
    """The bytes of a model file, after checking (without reading) that it is a regular file of a size
    a model within ``MAX_PARAMETERS`` can have. A fifo or device is refused without blocking."""
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ValueError(f"no model file at {name!r} (missing file; save one with model.save(path))") from None
    except (OSError, ValueError) as err:  # ValueError: a NUL in the name
        raise ValueError(f"cannot read model file {name!r}: {getattr(err, 'strerror', None) or err}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ValueError(f"{name!r} is {file_kind(info.st_mode)}, not a model file (a regular file written by save)")
    with os.fdopen(fd, "rb") as handle:
        limit = max_model_file_bytes()
        if info.st_size > limit:
            raise ValueError(
                f"model file {name!r} is {info.st_size:,} bytes, more than a model within the limit of "
                f"{MAX_PARAMETERS:,} parameters (nn.module.MAX_PARAMETERS) can take ({limit:,} bytes); "
                "refusing to read it"
            )
        try:
            raw = handle.read(limit + 1)
        except OSError as err:
            raise ValueError(f"cannot read model file {name!r}: {err.strerror or err}") from None
    if len(raw) > limit:  # it grew while we looked
        raise ValueError(f"model file {name!r} is larger than {limit:,} bytes; refusing to read it")
    return raw


# ---- the network ---------------------------------------------------------------------------------------
class _Packed:
    """A neuron's weights and bias as the one tuple its dot nodes keep, and what it was made from.

    Parameters are leaves, so the tuple is a :class:`autograd.value.Leaves` (backward() then has
    nothing of them to count); if a weight was replaced by a computed Value, a plain tuple. Not a list
    or a tuple itself, so that the parameter walk does not find the parameters a second time.
    """

    def __init__(self, w: list[Any], b: Any) -> None:
        self.w, self.b = w, b
        items = tuple(w) if b is None else (*w, b)  # no bias: as many params as inputs
        try:
            self.params: tuple[Any, ...] = Leaves(items)
        except ValueError:
            self.params = items


class Neuron(Module):
    """act(w·x + b) for ``nin`` inputs; ``activation`` is "relu", "tanh", "sigmoid" or "linear".

    The weights are labelled w1 … wn and the bias b, so pictures of one neuron read like the formula.
    Inside a :class:`Layer` or an :class:`MLP` the labels say where the neuron lives (``n2.w1``,
    ``L1.n2.b``): see :meth:`place`.
    """

    def __init__(self, nin: int, activation: str = "relu", rng: random.Random | int | None = None) -> None:
        self.nin = _check_count("Neuron", "nin", nin)
        self.activation = _check_activation("Neuron", activation)
        _check_budget(f"Neuron({_size_text(self.nin)})", self.nin + 1)
        r = make_rng(rng)
        bound = 1.0 / math.sqrt(self.nin)
        self.w = [Parameter(r.uniform(-bound, bound), f"w{i + 1}") for i in range(self.nin)]
        self.b = Parameter(r.uniform(-bound, bound), "b")
        self._act = ACTIVATIONS[self.activation]
        self._pack()

    def place(self, prefix: str) -> None:
        """Label the parameters by place: ``{prefix}w1 … {prefix}wn`` and ``{prefix}b`` (e.g. ``L1.n2.``).

        Only the labels pictures show change; parameter names in ``state_dict`` stay as they are."""
        for i, w in enumerate(self.w):
            w.label = f"{prefix}w{i + 1}"
        self.b.label = f"{prefix}b"

    #: made by __init__, and again on the first forward after a weight or the bias is replaced (or if a
    #: subclass's __init__ did not make it)
    _packed: _Packed | None = None

    def __call__(self, x: Any) -> Value:
        return self._forward(tuple(_as_inputs(x, self.nin, "Neuron")))

    def _forward(self, xs: tuple[Value, ...]) -> Value:
        packed, w = self._packed, self.w
        if packed is None or type(w) is not list or packed.w != w or packed.b is not self.b:
            packed = self._pack()
        total = dot_node(packed.params, xs)
        act = self._act
        return total if act is None else act(total)

    def _pack(self) -> _Packed:
        """The parameters as the tuple the dot nodes keep, checked against ``nin`` (a dot node tells its
        bias by there being one more param than inputs, so a weight too few must not pass as one)."""
        w = list(self.w)
        nin = getattr(self, "nin", len(w))
        if len(w) != nin:
            raise ValueError(
                f"Neuron({nin}) has {len(w)} weights; it needs one per input. If you changed the number "
                "of inputs, build a new Neuron (or Layer) of that size"
            )
        self._packed = packed = _Packed(w, self.b)
        return packed

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation}

    @classmethod
    def count_parameters(cls, config: Mapping[str, Any]) -> int | None:
        nin = _count(config.get("nin"))
        return None if nin is None else nin + 1

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs."""

    def __init__(
        self, nin: int, nout: int, activation: str = "relu", rng: random.Random | int | None = None
    ) -> None:
        self.nin = _check_count("Layer", "nin", nin)
        self.nout = _check_count("Layer", "nout", nout)
        self.activation = _check_activation("Layer", activation)
        _check_budget(f"Layer({_size_text(self.nin)}, {_size_text(self.nout)})", self.nout * (self.nin + 1))
        r = make_rng(rng)
        self.neurons = [Neuron(self.nin, self.activation, r) for _ in range(self.nout)]
        self.place("")

    def place(self, prefix: str) -> None:
        """Label every parameter by place: neuron j's are ``{prefix}nj.w1 …``, ``{prefix}nj.b``."""
        for j, neuron in enumerate(self.neurons):
            neuron.place(f"{prefix}n{j + 1}.")

    def __call__(self, x: Any) -> Value | list[Value]:
        out = self._forward(_as_inputs(x, self.nin, "Layer"))
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: Sequence[Value]) -> list[Value]:
        xs = tuple(xs)  # one tuple that every neuron's dot node keeps
        if len(xs) != self.nin:  # an MLP whose layers were swapped by hand: sizes that do not chain
            raise ValueError(
                f"{self!r} expects {self.nin} inputs per example, got {len(xs)}: in an MLP each layer's nin "
                "must be the number of neurons of the layer before it"
            )
        return [n._forward(xs) for n in self.neurons]

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation}

    @classmethod
    def count_parameters(cls, config: Mapping[str, Any]) -> int | None:
        nin, nout = _count(config.get("nin")), _count(config.get("nout"))
        return None if nin is None or nout is None else nout * (nin + 1)

    def __repr__(self) -> str:
        return f"Layer({self.nin} → {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one layer per entry of ``nouts``.

    Hidden layers use ``activation``; the last layer is linear, so its outputs are raw scores
    (logits) that a loss interprets. ``MLP(2, [16, 16, 1])`` has 2·16+16 + 16·16+16 + 16+1 = 337
    parameters. Called on one example it returns a list of Values, or one Value if the last layer
    has a single output.
    """

    def __init__(
        self, nin: int, nouts: Iterable[int], activation: str = "relu", rng: random.Random | int | None = None
    ) -> None:
        self.nin = _check_count("MLP", "nin", nin)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
            raise ValueError(f"MLP: nouts must be a list of layer sizes like [16, 16, 1], got {nouts!r}")
        self.nouts = [_check_count("MLP", "each layer size in nouts", n) for n in nouts]
        if not self.nouts:
            raise ValueError("MLP: nouts must name at least one layer, e.g. [16, 16, 1]")
        self.activation = _check_activation("MLP", activation)
        sizes = [self.nin, *self.nouts]
        _check_budget(
            f"MLP({_size_text(self.nin)}, [{', '.join(map(_size_text, self.nouts))}])",
            sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:])),
        )
        r = make_rng(rng)
        last = len(self.nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], "linear" if i == last else self.activation, r)
            for i in range(len(self.nouts))
        ]
        for i, layer in enumerate(self.layers):  # L1.n2.w1: layer 1, neuron 2, weight 1
            layer.place(f"L{i + 1}.")

    def __call__(self, x: Any) -> Value | list[Value]:
        xs: list[Value] = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nouts": list(self.nouts), "activation": self.activation}

    @classmethod
    def count_parameters(cls, config: Mapping[str, Any]) -> int | None:
        nouts = config.get("nouts")
        if not isinstance(nouts, list) or not nouts:
            return None
        counts = [_count(config.get("nin")), *(_count(n) for n in nouts)]
        sizes = [n for n in counts if n is not None]
        if len(sizes) != len(counts):
            return None
        return sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:]))

    def __repr__(self) -> str:
        sizes = " → ".join(str(n) for n in [self.nin, *self.nouts])
        return f"MLP({sizes}, activation={self.activation!r}, {len(self.parameters())} parameters)"


_BUILTINS.update({klass.__name__: klass for klass in (Neuron, Layer, MLP)})
