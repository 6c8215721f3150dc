"""The public namespaces show their own names: no module or helper that their code imports."""
import __future__
import importlib
import types

import pytest

NAMESPACES = ["fluxion", "fluxion.numpy", "fluxion.numpy.linalg", "fluxion.numpy.fft", "fluxion.random", "fluxion.nn",
              "fluxion.lax", "fluxion.scipy", "fluxion.scipy.special", "fluxion.scipy.stats", "fluxion.scipy.linalg",
              "fluxion.tree", "fluxion.tree_util", "fluxion.ad_checkpoint"]


@pytest.mark.parametrize("name", NAMESPACES)
def test_a_namespace_lists_no_module_it_merely_imports(name):
    module = importlib.import_module(name)
    modules = {n for n in dir(module) if not n.startswith("_") and isinstance(getattr(module, n), types.ModuleType)}
    foreign = {n for n in modules if not getattr(module, n).__name__.startswith(name + ".")}
    assert not foreign
    assert not [n for n in dir(module) if isinstance(getattr(module, n), __future__._Feature)]  # `annotations`


@pytest.mark.parametrize("name", [n for n in NAMESPACES if hasattr(importlib.import_module(n), "__all__")])
def test_every_listed_name_of_a_namespace_is_there(name):
    module = importlib.import_module(name)
    assert all(hasattr(module, n) for n in dir(module))
    assert set(module.__all__) <= set(dir(module))


@pytest.mark.parametrize("name", ["nn.initializers", "image", "flatten_util", "scipy.signal", "scipy.ndimage",
                                  "scipy.optimize", "scipy.integrate", "scipy.interpolate", "scipy.fft", "scipy.cluster.vq",
                                  "scipy.spatial.transform", "scipy.sparse.linalg"])
def test_modules_import_by_the_path_of_their_jax_namesake(name):
    jax_module = importlib.import_module("jax." + name)
    module = importlib.import_module("fluxion." + name)
    assert {n for n in dir(jax_module) if not n.startswith("_") and callable(getattr(jax_module, n))} <= set(dir(module))
