"""fluxion's exceptions; each also subclasses the matching built-in."""
from .core.errors import (ArgumentError as ArgumentError, ArgumentTypeError as ArgumentTypeError,
                          AxisError as AxisError, ConcretizationError as ConcretizationError,
                          ConversionError as ConversionError, DTypeError as DTypeError, DeviceError as DeviceError,
                          FluxionError as FluxionError, IndexOutOfBoundsError as IndexOutOfBoundsError,
                          InvalidArgumentError as InvalidArgumentError, MissingRuleError as MissingRuleError,
                          ShapeError as ShapeError,
                          TracerLeakError as TracerLeakError, UnsupportedError as UnsupportedError)

# jax's names for the same errors, so that its `except` clauses carry over
ConcretizationTypeError = TracerBoolConversionError = TracerIntegerConversionError = ConcretizationError
TracerArrayConversionError = ConcretizationError
UnexpectedTracerError = TracerLeakError
