"""The host functions of fluxion.numpy against NumPy's: reading, saving, printing, einsum_path."""
import numpy as np

import fluxion.numpy as fnp


def _same(out, expected):
    assert isinstance(out, fnp.ndarray) and out.dtype == expected.dtype and out.shape == expected.shape
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_reading_arrays_from_bytes_iterables_and_text_matches_numpy():
    data = np.arange(6, dtype=np.float32).tobytes()
    _same(fnp.frombuffer(data, dtype=np.float32, count=3, offset=4), np.frombuffer(data, np.float32, 3, 4))
    _same(fnp.frombuffer(np.arange(2.0).tobytes()), np.arange(2.0))
    _same(fnp.fromiter(iter([3, 1, 2]), dtype=np.int16), np.array([3, 1, 2], np.int16))
    _same(fnp.fromstring("1.5, 2, 3", sep=","), np.fromstring("1.5, 2, 3", sep=","))


def test_save_load_and_savez_round_trip(tmp_path):
    x, y = fnp.arange(6).reshape(2, 3), fnp.ones(2, dtype=fnp.float16)
    fnp.save(tmp_path / "x.npy", x)
    _same(fnp.load(tmp_path / "x.npy"), np.arange(6).reshape(2, 3))
    fnp.savez(tmp_path / "xy.npz", x, y=y)
    fnp.savez_compressed(tmp_path / "c.npz", x=x)
    with fnp.load(tmp_path / "xy.npz") as archive:
        np.testing.assert_array_equal(archive["arr_0"], np.asarray(x))
        assert archive["y"].dtype == np.asarray(y).dtype
    with fnp.load(tmp_path / "c.npz") as archive:
        np.testing.assert_array_equal(archive["x"], np.asarray(x))


def test_fromfile_reads_bytes_and_text_as_numpy(tmp_path):
    np.arange(5, dtype=np.int16).tofile(tmp_path / "raw")
    _same(fnp.fromfile(tmp_path / "raw", dtype=np.int16, count=3, offset=2), np.arange(1, 4, dtype=np.int16))
    (tmp_path / "text").write_text("1.5 2 3")
    _same(fnp.fromfile(tmp_path / "text", sep=" "), np.fromfile(tmp_path / "text", sep=" "))
    assert fnp.ComplexWarning is np.exceptions.ComplexWarning


def test_printing_einsum_path_and_mask_indices_match_numpy():
    x = np.linspace(0, 1, 7).reshape(7, 1)
    for f in ("array2string", "array_str", "array_repr"):
        assert getattr(fnp, f)(fnp.asarray(x)) == getattr(np, f)(x)
    with fnp.printoptions(precision=2):
        assert fnp.array_str(fnp.asarray(x)) == np.array_str(x, precision=2)
    shapes = [(2, 3), (3, 4), (4, 5)]
    assert fnp.einsum_path("ij,jk,kl->il", *map(fnp.ones, shapes)) == np.einsum_path("ij,jk,kl->il", *map(np.ones, shapes))
    for func, k in ((fnp.triu, 0), (fnp.tril, -1), (fnp.triu, 1)):
        expected = np.mask_indices(4, {fnp.triu: np.triu, fnp.tril: np.tril}[func], k)
        for out, e in zip(fnp.mask_indices(4, func, k), expected):
            np.testing.assert_array_equal(np.asarray(out), e)
