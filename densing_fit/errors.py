"""Errors raised by the fitter: each names the thing, the value received and what was expected."""

from __future__ import annotations


class FitError(ValueError):
    """A fit cannot be made: too few or degenerate points, or the optimizer failed."""


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` was called."""


def check_is_fitted(estimator: object, attribute: str) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has the learned ``attribute`` (ends in ``_``)."""
    if not hasattr(estimator, attribute):
        name = type(estimator).__name__
        raise NotFittedError(
            f"this {name} is not fitted yet; call {name}.fit(...) before using it "
            f"(missing learned attribute {attribute!r})"
        )
