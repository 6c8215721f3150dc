"""fluxion.image against jax.image (the oracle), plus derivatives, jit and vmap without one."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.image import ResizeMethod, resize, scale_and_translate

jax = pytest.importorskip("jax")
jimage = pytest.importorskip("jax.image")

KERNEL_METHODS = ["linear", "cubic", "lanczos3", "lanczos5", "cubic-pytorch", "area"]
METHODS = ["nearest"] + KERNEL_METHODS
# (input shape, output shape): up, down, non-square mixes, size 1 both ways, 3-D, 4-D with batch and channel kept
RESIZES = [((5,), (9,)), ((9,), (4,)), ((6, 7), (3, 10)), ((1, 7), (4, 1)), ((4, 5, 6), (7, 3, 6)),
           ((2, 6, 5, 3), (2, 3, 8, 3))]
TOL = {np.float32: 1e-5, np.float64: 1e-12}


def _image(shape, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(0, 100, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def _assert_matches(ours, theirs, dtype):
    theirs = np.asarray(theirs)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    tol = TOL[np.dtype(dtype).type] if np.issubdtype(dtype, np.floating) else TOL[np.float32]
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=tol, atol=tol)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shapes", RESIZES, ids=str)
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_float32_matches_jax(method, shapes, antialias):
    x = _image(shapes[0])
    ours = resize(x, shapes[1], method, antialias=antialias)
    _assert_matches(ours, jimage.resize(x, shapes[1], method, antialias=antialias), np.float32)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shapes", RESIZES[1:3] + [((5, 4), (3, 7))], ids=str)  # 3/5: not a float32 ratio
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_float64_matches_jax(method, shapes, antialias):
    x = _image(shapes[0], np.float64)
    with jax.enable_x64(True):
        theirs = jimage.resize(x, shapes[1], method, antialias=antialias)
    _assert_matches(resize(x, shapes[1], method, antialias=antialias), theirs, np.float64)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.int64])
def test_resize_integer_image_matches_jax_dtype_and_values(method, dtype):
    x = _image((5, 4), dtype)
    ours = resize(x, (3, 7), method)
    # nearest keeps the dtype; kernel methods give float32 (fluxion's float for every integer
    # dtype, and jax's without x64), unrounded, so they may leave the integer range
    assert ours.dtype == (np.dtype(dtype) if method == "nearest" else np.float32)
    theirs = np.asarray(jimage.resize(x.astype(np.int32) if dtype == np.int64 else x, (3, 7), method))
    _assert_matches(ours, theirs.astype(dtype) if method == "nearest" else theirs, np.float32)


@pytest.mark.parametrize("method", METHODS)
def test_resize_to_the_same_shape_only_changes_dtype(method):
    x = _image((3, 4), np.int32)
    _assert_matches(resize(x, (3, 4), method), jimage.resize(x, (3, 4), method), np.float32)


@pytest.mark.parametrize("sizes", [(7, 3), (3, 7), (6, 4), (5, 2), (4, 6), (1000, 999)], ids=str)
def test_resize_nearest_picks_the_pixel_containing_the_centre_as_jax(sizes):
    x = np.arange(sizes[0], dtype=np.float32)
    _assert_matches(resize(x, (sizes[1],), "nearest"), jimage.resize(x, (sizes[1],), "nearest"), np.float32)


def test_resize_complex_image_matches_jax():
    x = (_image((4, 5)) + 1j * _image((4, 5), seed=1)).astype(np.complex64)
    ours = resize(x, (7, 3), "cubic")
    theirs = np.asarray(jimage.resize(x, (7, 3), "cubic"))
    assert ours.dtype == np.complex64
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shapes", [((6, 7), (4, 11)), ((9, 5), (2, 5)), ((1, 7), (4, 1)), ((3, 4), (8, 3))], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cubic_pytorch_without_antialias_matches_torch_bicubic_interpolate(shapes, dtype):
    torch = pytest.importorskip("torch")
    x = _image((2, 3) + shapes[0], dtype)
    ours = resize(x, (2, 3) + shapes[1], "cubic-pytorch", antialias=False)
    theirs = torch.nn.functional.interpolate(torch.from_numpy(x), size=shapes[1], mode="bicubic",
                                             align_corners=False, antialias=False).numpy()
    _assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", [((), ()), ((3, 4), (0, 4)), ((0, 3), (0, 5))], ids=str)
def test_resize_empty_and_scalar_images_match_jax(method, case):
    x = _image(case[0])
    _assert_matches(resize(x, case[1], method), jimage.resize(x, case[1], method), np.float32)


@pytest.mark.parametrize("method", KERNEL_METHODS)
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scale_and_translate_matches_jax(method, antialias, dtype):
    x = _image((2, 6, 5, 3), dtype)
    shape, dims = (2, 9, 4, 3), (1, 2)
    scale, translation = np.array([1.7, 0.6], dtype), np.array([-0.8, 1.3], dtype)
    ours = scale_and_translate(x, shape, dims, scale, translation, method, antialias=antialias)
    with jax.enable_x64(dtype == np.float64):
        theirs = jimage.scale_and_translate(x, shape, dims, scale, translation, method, antialias=antialias)
    _assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("case", [
    ((0,), [-1.0], [5.0]),          # mirror image
    ((-1,), [-0.5], [2.0]),         # mirrored downsampling (jax does not widen the kernel there)
    ((0,), [0.3], [0.0]),           # strong downsampling
    ((0,), [1.0], [0.5]),           # a pure shift: pixels moved off the image become 0
    ((0,), [1.0], [-3.7]),          # shifted further, into and past the reach of edge padding
    ((0,), [0.0], [0.0]),           # degenerate scale: all 0
    ((), [], []),                   # nothing transformed
], ids=str)
@pytest.mark.parametrize("method", KERNEL_METHODS)
@pytest.mark.parametrize("antialias", [True, False])
def test_scale_and_translate_edge_transforms_match_jax(case, method, antialias):
    dims, scale, translation = case
    x = _image((5,))
    ours = scale_and_translate(x, (5,), dims, scale, translation, method, antialias=antialias)
    theirs = jimage.scale_and_translate(x, (5,), dims, np.array(scale, np.float32),
                                        np.array(translation, np.float32), method, antialias=antialias)
    _assert_matches(ours, theirs, np.float32)


def test_scale_and_translate_integer_image_gives_float32_as_jax():
    x = _image((4, 6), np.uint8)
    args = ((4, 9), (1,), np.array([1.4], np.float32), np.array([0.3], np.float32), "linear")
    _assert_matches(scale_and_translate(x, *args), jimage.scale_and_translate(x, *args), np.float32)


@pytest.mark.parametrize("name,member", [
    ("nearest", ResizeMethod.NEAREST), ("linear", ResizeMethod.LINEAR), ("bilinear", ResizeMethod.LINEAR),
    ("trilinear", ResizeMethod.LINEAR), ("triangle", ResizeMethod.LINEAR), ("lanczos3", ResizeMethod.LANCZOS3),
    ("lanczos5", ResizeMethod.LANCZOS5), ("cubic", ResizeMethod.CUBIC), ("bicubic", ResizeMethod.CUBIC),
    ("tricubic", ResizeMethod.CUBIC), ("cubic-pytorch", ResizeMethod.CUBIC_PYTORCH),
    ("bicubic-pytorch", ResizeMethod.CUBIC_PYTORCH), ("area", ResizeMethod.AREA)])
def test_resize_method_from_string_accepts_jax_names(name, member):
    assert ResizeMethod.from_string(name) is member
    assert member.value == jimage.ResizeMethod.from_string(name).value


def test_resize_accepts_a_resize_method_member():
    x = _image((4,))
    assert np.array_equal(np.asarray(resize(x, (7,), ResizeMethod.CUBIC)), np.asarray(resize(x, (7,), "cubic")))


@pytest.mark.parametrize("member", list(jimage.ResizeMethod), ids=lambda m: m.name)
def test_resize_accepts_jax_resize_method_members(member):
    x = _image((4, 5))
    ours = resize(x, (7, 3), member, antialias=False)
    _assert_matches(ours, jimage.resize(np.asarray(x), (7, 3), member, antialias=False), np.float32)


def test_a_traced_output_size_names_static_argnums():
    with pytest.raises(fx.errors.ConcretizationError, match=r"static_argnums=\(1,\)"):
        fx.jit(lambda image, n: resize(image, (3, n), "linear"))(fnp.zeros((3, 4)), 5)


@pytest.mark.parametrize("call,match", [
    (lambda x: resize(x, (3,), "linear"), "one output size per image dimension"),
    (lambda x: resize(x, (3, 4, 5), "nearest"), "one output size per image dimension"),
    (lambda x: resize(x, (3, -1), "linear"), "pass sizes >= 0"),
    (lambda x: resize(x, (3, 4), "bilinearr"), "pass one of"),
    (lambda x: resize(x, (3.0, 4), "linear"), "tuple of Python ints"),
    (lambda x: resize(x, (3, 4), 1), "method='linear'"),
    (lambda x: resize(fnp.zeros((0, 2)), (3, 2), "linear"), "non-empty image"),
    (lambda x: scale_and_translate(x, (3, 4), (1,), [1.0], [0.0], "nearest"), "use fluxion.image.resize"),
    (lambda x: scale_and_translate(x, (5, 4), (1,), [1.0], [0.0], "linear"), "add 0 to spatial_dims"),
    (lambda x: scale_and_translate(x, (3, 4), (2,), [1.0], [0.0], "linear"), "pass spatial_dims in"),
    (lambda x: scale_and_translate(x, (3, 4), (1,), [1.0, 2.0], [0.0], "linear"), "one scale and one translation"),
    (lambda x: scale_and_translate(x, (3, 4), (1, -1), [1.0, 1.0], [0.0, 0.0], "linear"), "each dimension .* once"),
])
def test_bad_arguments_raise_errors_naming_the_fix(call, match):
    with pytest.raises((ValueError, TypeError, NotImplementedError), match=match):
        call(fnp.zeros((3, 4)))


@pytest.mark.parametrize("method", KERNEL_METHODS)
@pytest.mark.parametrize("antialias", [True, False])
def test_grad_of_resize_matches_finite_differences(method, antialias):
    x = _image((4, 5), np.float64)
    target = _image((7, 3), np.float64, seed=1)

    def loss(img):
        return fnp.sum((resize(img, (7, 3), method, antialias=antialias) - target) ** 2)

    g = np.asarray(fx.grad(loss)(fnp.asarray(x)))
    eps, fd = 1e-6, np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        fd[i] = (float(loss(fnp.asarray(x + d))) - float(loss(fnp.asarray(x - d)))) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method", KERNEL_METHODS)
@pytest.mark.parametrize("antialias", [True, False])
def test_grad_of_scale_and_translate_in_image_scale_and_translation_matches_jax_and_finite_differences(
        method, antialias):
    x = _image((6, 5), np.float64)
    # generic values: "area" has kinks where an output pixel's edge maps exactly onto an input pixel's edge
    p = np.array([1.37, 0.71, 0.43, -0.31])

    def ours(img, params):
        return fnp.sum(scale_and_translate(img, (8, 4), (0, 1), params[:2], params[2:], method, antialias) ** 2)

    def theirs(img, params):
        out = jimage.scale_and_translate(img, (8, 4), (0, 1), params[:2], params[2:], method, antialias)
        return jax.numpy.sum(out ** 2)

    grads = fx.grad(ours, argnums=(0, 1))(fnp.asarray(x), fnp.asarray(p))
    with jax.enable_x64(True):
        expected = jax.grad(theirs, argnums=(0, 1))(x, p)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-10, atol=1e-12)
    eps = 1e-6
    fd = [(float(ours(x, p + eps * e)) - float(ours(x, p - eps * e))) / (2 * eps) for e in np.eye(4)]
    np.testing.assert_allclose(np.asarray(grads[1]), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("antialias", [True, False])
def test_jit_of_resize_equals_eager(method, antialias):
    x = fnp.asarray(_image((2, 6, 5)))
    f = fx.jit(lambda img: resize(img, (2, 4, 8), method, antialias))
    eager = resize(x, (2, 4, 8), method, antialias)
    np.testing.assert_allclose(np.asarray(f(x)), np.asarray(eager), rtol=1e-6, atol=1e-6)


def test_jit_of_scale_and_translate_with_traced_scale_equals_eager():
    x = fnp.asarray(_image((6, 5)))
    s, t = fnp.asarray([1.4, 0.6]), fnp.asarray([0.2, -0.5])
    f = fx.jit(lambda img, s, t: scale_and_translate(img, (7, 4), (0, 1), s, t, "lanczos3"))
    eager = scale_and_translate(x, (7, 4), (0, 1), s, t, "lanczos3")
    np.testing.assert_allclose(np.asarray(f(x, s, t)), np.asarray(eager), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("method", ["nearest", "linear", "cubic", "cubic-pytorch", "area"])
def test_vmap_of_resize_equals_a_loop(method):
    xs = fnp.asarray(_image((3, 6, 5)))
    batched = fx.vmap(lambda img: resize(img, (4, 7), method, antialias=False))(xs)
    looped = np.stack([np.asarray(resize(xs[i], (4, 7), method, antialias=False)) for i in range(3)])
    np.testing.assert_allclose(np.asarray(batched), looped, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("method,antialias", [("linear", True), ("cubic-pytorch", False), ("area", True)])
def test_vmap_of_scale_and_translate_over_scales_equals_a_loop(method, antialias):
    x = fnp.asarray(_image((6,)))
    scales = fnp.asarray([[0.5], [1.0], [1.7]])
    batched = fx.vmap(lambda s: scale_and_translate(x, (8,), (0,), s, [0.25], method, antialias))(scales)
    looped = np.stack([np.asarray(scale_and_translate(x, (8,), (0,), scales[i], [0.25], method, antialias))
                       for i in range(3)])
    np.testing.assert_allclose(np.asarray(batched), looped, rtol=1e-6, atol=1e-6)
