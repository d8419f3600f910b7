"""``Optimizer``: the base class every update rule shares, with PyTorch's contract.

An optimizer holds *parameter groups*: dicts with a ``"params"`` list and the hyper-parameters that
apply to those parameters (``"lr"``, ``"momentum"``, ...). ``step()`` changes every parameter's
``.data`` from its ``.grad`` with plain float arithmetic, so no graph is recorded; ``zero_grad()``
resets the gradients that ``backward()`` accumulates. ``state_dict()`` is JSON-able: parameters are
referred to by their position (0, 1, 2, ... across the groups in order), exactly as in PyTorch, so a
saved optimizer can be loaded into a fresh one built over the same parameters.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from autograd import Value, enable_grad

__all__ = ["Optimizer", "check_number", "check_flag"]


def check_flag(owner: str, name: str, value: Any) -> bool:
    """Return ``value`` if it is True or False, or raise ValueError naming it (1 and "yes" are refused)."""
    if not isinstance(value, bool):
        raise ValueError(f"{owner}: {name} must be True or False, got {value!r}")
    return value


def check_number(
    owner: str,
    name: str,
    value: Any,
    low: float,
    *,
    low_open: bool = False,
    high: float | None = None,
    high_open: bool = True,
    hint: str = "",
) -> float:
    """Return ``value`` as a float, or raise ValueError naming it and the range it must lie in."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{owner}: {name}={value!r} is not a finite real number{hint}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = "" if high is None else (f"{high:g})" if high_open else f"{high:g}]")
        span = f"{left}{low:g}, {right or '∞)'}"
        raise ValueError(f"{owner}: invalid {name}={value!r}; it must lie in {span}{hint}")
    return value


class Optimizer:
    """Base class: keeps the parameter groups and per-parameter state; subclasses define ``step``.

    Args:
        params: an iterable of parameters (:class:`autograd.Value` leaves), or of dicts each with a
            ``"params"`` list and any hyper-parameters that override ``defaults`` for that group.
        defaults: the hyper-parameters of every group that does not set its own.
    """

    def __init__(self, params: Iterable[Any], defaults: Mapping[str, Any]) -> None:
        self.defaults: dict[str, Any] = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Value, dict[str, Any]] = {}
        if isinstance(params, (Value, dict, set, frozenset)):
            raise TypeError(
                f"{self._name()}: params must be an ordered iterable (a list) of Values or of dicts, "
                f"got a {type(params).__name__}; e.g. {self._name()}(model.parameters(), ...)"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name()} got an empty parameter list: pass model.parameters()")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _name(self) -> str:
        return type(self).__name__

    # ---- groups ---------------------------------------------------------------------------------
    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"``), filling unset hyper-parameters."""
        if not isinstance(param_group, Mapping) or "params" not in param_group:
            raise TypeError(f"{self._name()}: a parameter group must be a dict with a 'params' list")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Value):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                f"{self._name()}: a group's params must be a list, not a set (sets have no order)"
            )
        params = list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{self._name()}: params[{i}] is a {type(p).__name__}, not an autograd Value")
            if not p.is_leaf:
                raise ValueError(
                    f"{self._name()}: params[{i}] ({p!r}) is computed from other Values; only leaves "
                    "(parameters) can be optimized"
                )
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{self._name()}: a parameter appears twice in one group")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{self._name()}: some parameters already belong to another parameter group")
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate one group's hyper-parameters (subclasses raise ValueError for bad ones)."""

    # ---- the loop -------------------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients add up across ``backward()`` calls)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = 0.0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter once; ``closure`` (optional) re-computes and returns the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update_group(group)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{self._name()} must define _update_group(group)")

    # ---- saving and loading -----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]} (JSON-able)."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index[id(p)] = len(index)
                ids.append(index[id(p)])
            saved = {k: _plain(v) for k, v in group.items() if k != "params"}
            saved["params"] = ids
            groups.append(saved)
        state = {
            index[id(p)]: {k: _plain(v) for k, v in s.items()}
            for p, s in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyper-parameters and state saved by :meth:`state_dict` (all or nothing).

        Integer keys that went through JSON come back as strings; both are accepted.
        """
        name = self._name()
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{name}.load_state_dict: expected a dict with keys 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, list) or len(saved_groups) != len(self.param_groups):
            got = len(saved_groups) if isinstance(saved_groups, list) else type(saved_groups).__name__
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {got} parameter groups, this optimizer has "
                f"{len(self.param_groups)}"
            )
        params_by_index: dict[int, Value] = {}
        new_groups = []
        for g, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            ids = saved.get("params") if isinstance(saved, Mapping) else None
            if not isinstance(ids, list) or len(ids) != len(mine["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: group {g} holds {len(mine['params'])} parameters but the saved "
                    f"group holds {len(ids) if isinstance(ids, list) else 'no list of'} parameters"
                )
            for i, p in zip(ids, mine["params"]):
                index = _index(name, f"param_groups[{g}]['params']", i)
                if index in params_by_index:
                    raise ValueError(
                        f"{name}.load_state_dict: parameter index {index} appears twice in the saved "
                        "param_groups; each parameter must have its own index"
                    )
                params_by_index[index] = p
            group = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            if "betas" in group:
                group["betas"] = tuple(group["betas"])
            group["params"] = mine["params"]
            for key, value in self.defaults.items():  # a setting newer than the save takes its default
                group.setdefault(key, copy.deepcopy(value))
            self._check_group(group)
            new_groups.append(group)
        new_state: dict[Value, dict[str, Any]] = {}
        saved_state = state_dict["state"]
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"{name}.load_state_dict: 'state' must be a dict keyed by parameter index")
        for key, value in saved_state.items():
            index = _index(name, "'state'", key)
            if index not in params_by_index:
                raise ValueError(
                    f"{name}.load_state_dict: 'state' has an entry for parameter index {key!r}, which no "
                    f"parameter group uses (the indices are 0 … {len(params_by_index) - 1})"
                )
            if not isinstance(value, Mapping):
                raise ValueError(
                    f"{name}.load_state_dict: the state of parameter {key!r} must be a dict (e.g. "
                    f"{{'momentum_buffer': 0.1}}), got {type(value).__name__}"
                )
            new_state[params_by_index[index]] = copy.deepcopy(dict(value))
        self.param_groups = new_groups
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{self._name()} ("]
        for i, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            lines.append(f"  group {i}: {len(group['params'])} parameters, {settings}")
        return "\n".join(lines) + "\n)"


def _index(owner: str, where: str, key: Any) -> int:
    """A saved parameter index: a whole number ≥ 0, or its decimal text (JSON turns dict keys into text)."""
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    if isinstance(key, int) and not isinstance(key, bool) and key >= 0:
        return key
    shown = repr(key) if len(repr(key)) <= 40 else repr(key)[:37] + "…"
    raise ValueError(
        f"{owner}.load_state_dict: {where} holds {shown} where a parameter index (a whole number "
        "0, 1, 2, …) belongs; the saved state is damaged or was not made by state_dict()"
    )


def _plain(value: Any) -> Any:
    """A JSON-able copy: tuples become lists."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
