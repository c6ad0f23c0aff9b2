"""tf.TensorShape and tf.Dimension (neuroflow/core/shape.py): TF1's static-shape algebra."""
import pytest

import neuroflow as tf

TS, D = tf.TensorShape, tf.Dimension


def test_dimension_values_arithmetic_and_three_valued_comparisons():
    assert D(3).value == 3 and D(None).value is None and int(D(4)) == 4
    assert (D(3) + 2).value == 5 and (D(None) * 2).value is None and (2 * D(3)).value == 6
    assert (D(7) // 2).value == 3 and (D(5) - D(1)).value == 4
    assert (D(3) == 3) is True and (D(3) != 4) is True
    assert (D(None) == 3) is None and (D(3) == None) is None  # noqa: E711 - TF1's semantics
    assert (D(2) < 3) is True and (D(None) >= 1) is None
    assert str(D(None)) == "?" and repr(D(5)) == "Dimension(5)"
    with pytest.raises(TypeError, match="unknown Dimension"):
        int(D(None))


def test_dimension_compatibility_and_merge():
    assert D(None).is_compatible_with(4) and D(4).is_compatible_with(D(4))
    assert not D(3).is_compatible_with(4)
    assert D(None).merge_with(4).value == 4 and D(4).merge_with(None).value == 4
    with pytest.raises(ValueError, match="Dimensions 3 and 4 are not compatible"):
        D(3).merge_with(4)


def test_shape_queries_and_printing():
    s = TS([None, 28, 28, 1])
    assert s.ndims == s.rank == 4 and s.as_list() == [None, 28, 28, 1]
    assert s[1].value == 28 and s[0].value is None and s[1:3].as_list() == [28, 28]
    assert [d.value for d in s] == [None, 28, 28, 1] and len(s) == 4
    assert not s.is_fully_defined() and s.num_elements() is None
    assert TS([2, 3]).num_elements() == 6 and TS([]).num_elements() == 1
    assert str(s) == "(?, 28, 28, 1)" and str(TS([5])) == "(5,)"
    assert repr(s) == "TensorShape([None, 28, 28, 1])"
    u = TS(None)
    assert u.ndims is None and str(u) == "<unknown>" and not bool(u) and u[0].value is None
    with pytest.raises(ValueError, match="unknown TensorShape"):
        u.as_list()
    with pytest.raises(ValueError, match="unknown rank"):
        len(u)
    assert TS([2, 3]) == [2, 3] and TS([2, None]) != TS([2, 3])


def test_shape_compatibility_merge_and_rank_checks():
    a, b = TS([None, 3]), TS([4, None])
    assert a.is_compatible_with(b) and not a.is_compatible_with([4, 5])
    assert a.merge_with(b).as_list() == [4, 3]
    with pytest.raises(ValueError, match="are not compatible"):
        TS([2, 3]).merge_with([2, 4])
    assert TS(None).with_rank(2).as_list() == [None, None]
    assert a.with_rank(2) is a
    with pytest.raises(ValueError, match=r"Shape \(\?, 3\) must have rank 3"):
        a.with_rank(3)
    assert a.with_rank_at_least(1) is a and a.with_rank_at_most(2) is a
    with pytest.raises(ValueError, match="must have rank at least 3"):
        a.with_rank_at_least(3)
    with pytest.raises(ValueError, match="must have rank at most 1"):
        a.with_rank_at_most(1)
    a.assert_has_rank(2)
    with pytest.raises(ValueError, match="must have rank 1"):
        a.assert_has_rank(1)
    a.assert_same_rank(b)
    with pytest.raises(ValueError, match="must have the same rank"):
        a.assert_same_rank([1, 2, 3])
    TS([2, 3]).assert_is_fully_defined()
    with pytest.raises(ValueError, match="is not fully defined"):
        a.assert_is_fully_defined()
    with pytest.raises(ValueError, match="incompatible"):
        a.assert_is_compatible_with([3, 4])
    assert TS([2, 3]).most_specific_compatible_shape([2, 4]).as_list() == [2, None]
    assert TS([2]).most_specific_compatible_shape([2, 4]).ndims is None


def test_shape_concatenation_and_helpers():
    assert (TS([2]) + TS([None, 3])).as_list() == [2, None, 3]
    assert ([1] + TS([2])).as_list() == [1, 2]
    assert TS([2]).concatenate(TS(None)).ndims is None
    assert tf.TensorShape([TS([1]).dims[0], 5]).as_list() == [1, 5]
    assert TS([-1, 2]).as_list() == [None, 2]    # -1 reads as unknown
