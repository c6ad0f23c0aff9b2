"""keras.preprocessing.sequence.pad_sequences and keras.preprocessing.text (Tokenizer ...)."""
import numpy as np
import pytest

from neuroflow.keras.preprocessing import sequence, text
from neuroflow.keras.preprocessing.sequence import pad_sequences
from neuroflow.keras.preprocessing.text import Tokenizer


def test_pad_sequences_modes():
    seqs = [[1, 2, 3, 4], [5], [], [6, 7]]
    np.testing.assert_array_equal(pad_sequences(seqs), [[1, 2, 3, 4], [0, 0, 0, 5], [0, 0, 0, 0],
                                                        [0, 0, 6, 7]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=3, padding="post"),
                                  [[2, 3, 4], [5, 0, 0], [0, 0, 0], [6, 7, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, truncating="post", value=-1),
                                  [[1, 2], [-1, 5], [-1, -1], [6, 7]])
    out = pad_sequences(seqs, dtype="float32")
    assert out.dtype == np.float32 and out.shape == (4, 4)
    assert pad_sequences([[1, 2]]).dtype == np.int32


def test_pad_sequences_features_and_strings():
    seqs = [np.ones((2, 3)), np.zeros((1, 3))]
    out = pad_sequences(seqs, maxlen=3, dtype="float64", padding="post")
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out[0, 2], 0)
    s = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert s.tolist() == [["a", "b"], ["<pad>", "c"]]


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="Padding type"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="Truncating type"):
        pad_sequences([[1]], truncating="x")
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="different from expected shape"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(NotImplementedError, match="pad_sequences is"):
        sequence.TimeseriesGenerator


def test_text_to_word_sequence_and_hashing():
    assert text.text_to_word_sequence("The cat, the HAT!") == ["the", "cat", "the", "hat"]
    assert text.text_to_word_sequence("a-b c", filters="", split="-") == ["a", "b c"]
    ids = text.hashing_trick("one two one", 10, hash_function="md5")
    assert ids[0] == ids[2] and all(1 <= i < 10 for i in ids)
    assert all(1 <= i < 5 for i in text.one_hot("x y z", 5))


def test_tokenizer_fit_and_convert():
    tok = Tokenizer()
    tok.fit_on_texts(["The cat sat on the mat.", "The dog sat."])
    assert tok.word_index["the"] == 1 and tok.word_index["sat"] == 2
    assert tok.word_counts["the"] == 3 and tok.word_docs["sat"] == 2
    assert tok.document_count == 2
    assert tok.texts_to_sequences(["the dog sat on a log"]) == [[1, 6, 2, 4]]
    assert tok.sequences_to_texts([[1, 6, 2]]) == ["the dog sat"]
    limited = Tokenizer(num_words=3, oov_token="<oov>")
    limited.fit_on_texts(["The cat sat on the mat.", "The dog sat."])
    assert limited.word_index["<oov>"] == 1
    assert limited.texts_to_sequences(["the dog"]) == [[2, 1]]
    chars = Tokenizer(char_level=True)
    chars.fit_on_texts(["abba"])
    assert chars.texts_to_sequences(["ab"]) == [[1, 2]] or chars.texts_to_sequences(["ab"]) == \
        [[2, 1]]


@pytest.mark.parametrize("mode", ["binary", "count", "freq", "tfidf"])
def test_tokenizer_matrix(mode):
    tok = Tokenizer(num_words=5)
    tok.fit_on_texts(["a a b", "b c"])
    m = tok.texts_to_matrix(["a a b", "d"], mode=mode)
    assert m.shape == (2, 5)
    a, b = tok.word_index["a"], tok.word_index["b"]
    expect = {"binary": 1, "count": 2, "freq": 2 / 3,
              "tfidf": (1 + np.log(2)) * np.log(1 + 2 / (1 + 1))}[mode]
    np.testing.assert_allclose(m[0, a], expect)
    assert m[0, b] > 0 and not m[1].any()
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        tok.texts_to_matrix(["a"], mode="bogus")


def test_tokenizer_json_round_trip():
    tok = Tokenizer(num_words=10, oov_token="?")
    tok.fit_on_texts(["hello world", "hello there"])
    again = text.tokenizer_from_json(tok.to_json())
    assert again.word_index == tok.word_index and again.index_word == tok.index_word
    assert again.texts_to_sequences(["hello you"]) == tok.texts_to_sequences(["hello you"])
    with pytest.raises(ValueError, match="Specify a dimension"):
        Tokenizer().texts_to_matrix(["x"])
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        Tokenizer(bogus=1)
