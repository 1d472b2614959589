"""Text and categorical preprocessing layers: Keras's values, vocabularies and behaviour in models.

Keras's `TextVectorization`, `StringLookup`, `IntegerLookup` and `Hashing`
need TensorFlow, which is not installed here, so those are checked against
the values Keras's own tests record (computed by TensorFlow) and against
Keras's documented algorithm (vocabulary order, TF-IDF) computed in the
test. `CategoryEncoding` runs on Keras's torch backend and is compared
directly.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.layers.text.fingerprints import fingerprint64, siphash64
from fitwell.saving import load_model
from fitwell.strings import StringArray
from porting import history_without_learning_rate

keras = pytest.importorskip("keras")


def keras_vocabulary_order(rows: list[list[str]], max_learned: int | None = None) -> list[str]:
    """Keras's `finalize_state`: `np.lexsort((tokens, counts))[::-1]` on the UTF-8 tokens."""
    counts = collections.Counter(token for row in rows for token in row)
    tokens = np.array([token.encode("utf-8") for token in counts], dtype=object)
    order = np.lexsort((tokens, np.array(list(counts.values()))))[::-1][:max_learned]
    return [tokens[i].decode("utf-8") for i in order]


# -- TextVectorization -----------------------------------------------------------------------
def test_adapt_orders_the_vocabulary_by_count_then_token_descending_as_keras():
    texts = ["b a c", "c b", "d e", "a", "ä b", "B!"]
    layer = layers.TextVectorization()
    layer.adapt(texts)
    rows = [text.replace("!", "").lower().split() for text in texts]
    assert layer.get_vocabulary() == ["", "[UNK]", *keras_vocabulary_order(rows)]
    assert layer.get_vocabulary()[2:5] == ["b", "c", "a"]  # 4, 2 (c > a), 2
    assert layer.get_vocabulary(include_special_tokens=False) == layer.get_vocabulary()[2:]
    assert layer.vocabulary_size() == len(layer.get_vocabulary())


def test_max_tokens_keeps_the_most_frequent_tokens():
    layer = layers.TextVectorization(max_tokens=4)
    layer.adapt(["x y y z z z", "w"])
    assert layer.get_vocabulary() == ["", "[UNK]", "z", "y"]


@pytest.mark.parametrize(
    ("options", "texts", "expected"),
    [
        # Expected values from Keras's test suite (computed by TensorFlow).
        ({"vocabulary": ["baz", "bar", "foo"], "output_sequence_length": 4}, [["foo qux bar"], ["qux baz"]],
         [[4, 1, 3, 0], [1, 2, 0, 0]]),
        ({"vocabulary": ["hello", "world", "this", "is", "nice", "test"]},
         ["Hello, World!. This is just a nice test!"], [[2, 3, 4, 5, 1, 1, 6, 7]]),
        ({"standardize": "lower", "vocabulary": ["hello,", "hello", "world", "this", "is", "nice", "test"]},
         ["Hello, World!. This is just a nice test!"], [[2, 1, 5, 6, 1, 1, 7, 1]]),
        ({"split": "character", "vocabulary": list("abcde")}, ["abcf"], [[2, 3, 4, 1]]),
        ({"standardize": "strip_punctuation", "vocabulary": ["Hello", "World", "Test"]},
         ["Hello, World! Test."], [[2, 3, 4]]),
        ({"standardize": None, "vocabulary": ["Hello", "world"]}, ["Hello hello"], [[2, 1]]),
        ({"output_mode": "multi_hot", "vocabulary": ["foo", "bar", "baz"]}, [["foo bar"], ["baz foo foo"]],
         [[0, 1, 1, 0], [0, 1, 0, 1]]),
        ({"output_mode": "count", "vocabulary": ["foo", "bar", "baz"]}, ["foo bar", "baz foo foo"],
         [[0, 1, 1, 0], [0, 2, 0, 1]]),
        ({"output_mode": "tf_idf", "vocabulary": ["foo", "bar", "baz"], "idf_weights": [0.3, 0.5, 0.2]},
         ["foo bar", "baz foo foo"], [[0.0, 0.3, 0.5, 0.0], [0.0, 0.6, 0.0, 0.2]]),
    ],
)  # fmt: skip
def test_outputs_match_the_values_kerass_tests_record(options, texts, expected):
    output = layers.TextVectorization(**options)(texts)
    np.testing.assert_allclose(output.numpy(), expected, rtol=1e-6)
    assert output.dtype == (torch.int64 if options.get("output_mode", "int") == "int" else torch.float32)


def test_lowercasing_changes_ascii_letters_only_and_splits_on_ascii_whitespace():
    layer = layers.TextVectorization(vocabulary=["école", "Émile", "a\u00a0b"])
    # tf.strings.lower is ASCII-only; U+00A0 (no-break space) does not split.
    np.testing.assert_array_equal(layer(["ÉCOLE Émile\ta\u00a0b\n"]).numpy(), [[1, 3, 4]])


def test_ngrams_add_every_width_in_order():
    layer = layers.TextVectorization(ngrams=2, vocabulary=["a", "b", "c", "a b", "b c"])
    np.testing.assert_array_equal(layer(["a b c"]).numpy(), [[2, 3, 4, 5, 6]])
    trigrams = layers.TextVectorization(ngrams=(1, 3))
    trigrams.adapt(["foo bar baz"])
    assert "foo bar baz" in trigrams.get_vocabulary() and "foo bar" not in trigrams.get_vocabulary()


def test_callables_receive_numpy_strings():
    def standardize(texts):
        assert isinstance(texts, np.ndarray) and texts.dtype.kind == "U"
        return np.char.replace(texts, "-", " ")

    def split(texts):
        return [text.split("|") for text in texts]

    layer = layers.TextVectorization(standardize=standardize, split=split, vocabulary=["foo", "bar baz"])
    np.testing.assert_array_equal(layer(["foo|bar-baz"]).numpy(), [[2, 3]])


def test_adapt_tf_idf_weights_follow_kerass_formula():
    texts = ["one one one", "one two", "two three"]
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.adapt(texts)
    assert layer.get_vocabulary() == ["[UNK]", "one", "two", "three"]
    idf = np.log(1 + 3 / (1 + np.array([2, 2, 1])))  # documents holding one, two, three
    expected_weights = np.concatenate([[idf.mean()], idf])
    np.testing.assert_allclose(layer.lookup.idf_weights, expected_weights, rtol=1e-6)
    np.testing.assert_allclose(
        layer(["one one four", "three"]).numpy(),
        [[idf.mean(), 2 * idf[0], 0, 0], [0, 0, 0, idf[2]]],
        rtol=1e-6,
    )


def test_adapt_reads_an_iterable_of_batches_and_stops_after_steps():
    def batches():
        yield np.array(["red green"])
        yield ["green blue"]
        yield ["never read"]

    layer = layers.TextVectorization()
    layer.adapt(batches(), steps=2)
    assert layer.get_vocabulary() == ["", "[UNK]", "green", "red", "blue"]


def test_sequences_pad_to_the_longest_text_without_an_output_length():
    layer = layers.TextVectorization(vocabulary=["a", "b"])
    np.testing.assert_array_equal(
        layer(np.array(["a", "b a b", ""])).numpy(), [[2, 0, 0], [3, 2, 3], [0, 0, 0]]
    )
    assert layer("a b").shape == (1, 2)  # one string is a batch of one


def test_set_vocabulary_accepts_the_special_tokens_first():
    layer = layers.TextVectorization()
    layer.set_vocabulary(["", "[UNK]", "x", "y"])
    assert layer.get_vocabulary() == ["", "[UNK]", "x", "y"]
    np.testing.assert_array_equal(layer(["y z"]).numpy(), [[3, 1]])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"standardize": "upper"}, "`standardize` must be one of"),
        ({"split": "comma"}, "`split` must be one of"),
        ({"ngrams": "2"}, "`ngrams` must be None"),
        ({"output_mode": "multi_hot", "output_sequence_length": 3}, "only applies to `output_mode='int'`"),
        ({"ragged": True}, "`ragged=True` is not supported"),
        ({"output_mode": "tf_idf", "vocabulary": ["a"]}, "`idf_weights` must be given"),
        ({"vocabulary": ["a", "a"]}, "repeated terms"),
        ({"max_tokens": 3, "vocabulary": ["a", "b"]}, "more than max_tokens=3"),
    ],
)
def test_bad_arguments_get_a_clear_error(options, message):
    with pytest.raises(ValueError, match=message):
        layers.TextVectorization(**options)


def test_text_of_rank_two_needs_one_string_per_sample():
    with pytest.raises(ValueError, match="last axis of size 1"):
        layers.TextVectorization(vocabulary=["a"])([["a", "b"]])
    with pytest.raises(TypeError, match="takes strings"):
        layers.TextVectorization(vocabulary=["a"])(torch.tensor([1, 2]))


# -- StringLookup and IntegerLookup ----------------------------------------------------------
def test_string_lookup_maps_and_inverts_as_kerass_docs():
    layer = layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    np.testing.assert_array_equal(layer([["a", "c", "d"], ["d", "z", "b"]]).numpy(), [[1, 3, 4], [4, 0, 2]])
    masked = layers.StringLookup(vocabulary=["a", "b", "c", "d"], mask_token="")
    np.testing.assert_array_equal(masked([["a", "c", ""], ["d", "z", "b"]]).numpy(), [[2, 4, 0], [5, 1, 3]])
    inverse = layers.StringLookup(vocabulary=["a", "b", "c", "d"], invert=True)
    assert inverse([[1, 3, 4], [4, 0, 2]]).tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]
    inverse_masked = layers.StringLookup(vocabulary=["one", "two", "three"], mask_token="", oov_token="[OOV]")
    inverse_masked = layers.StringLookup(
        vocabulary=inverse_masked.get_vocabulary(), mask_token="", oov_token="[OOV]", invert=True
    )
    assert inverse_masked([[2, 3, 1, 3, 0]]).tolist() == [["one", "two", "[OOV]", "two", ""]]


def test_string_lookup_encoded_modes_drop_the_mask_and_count_oov():
    vocabulary = ["a", "b", "c", "d"]
    data = [["a", "b", "a"], ["d", "z", ""]]
    multi_hot = layers.StringLookup(vocabulary=vocabulary, mask_token="", output_mode="multi_hot")
    np.testing.assert_array_equal(multi_hot(data).numpy(), [[0, 1, 1, 0, 0], [1, 0, 0, 0, 1]])
    count = layers.StringLookup(
        vocabulary=vocabulary, output_mode="count", pad_to_max_tokens=True, max_tokens=7
    )
    np.testing.assert_array_equal(count(data).numpy(), [[0, 2, 1, 0, 0, 0, 0], [2, 0, 0, 0, 1, 0, 0]])
    one_hot = layers.StringLookup(vocabulary=vocabulary, output_mode="one_hot")
    np.testing.assert_array_equal(one_hot([["b"], ["z"]]).numpy(), [[0, 0, 1, 0, 0], [1, 0, 0, 0, 0]])


def test_string_lookup_tf_idf_matches_kerass_recorded_values():
    # From Keras's tests (IndexLookup with mask "" and oov "[OOV]"): document counts 3, 2, 1 of 6.
    layer = layers.StringLookup(max_tokens=7, mask_token="", oov_token="[OOV]", output_mode="tf_idf")
    layer.adapt(["one", "one", "one", "two", "two", "three"])
    np.testing.assert_allclose(layer.idf_weights[1:], np.log(1 + 6 / (1 + np.array([3, 2, 1]))), rtol=1e-6)
    np.testing.assert_allclose(layer(["one", "two", "four"]).numpy(), [1.1337324, 0.91629076, 1.0986123, 0.0])
    batched = layers.StringLookup(max_tokens=7, mask_token="", oov_token="[OOV]", output_mode="tf_idf")
    batched.adapt([["one", "one"], ["one", "two"], ["two", "three"]])
    np.testing.assert_allclose(
        batched([["one", "two"], ["two", "four"]]).numpy(),
        [[0.0, 0.6931472, 0.6931472, 0.0], [0.76752836, 0.0, 0.6931472, 0.0]],
        rtol=1e-6,
    )


def test_several_oov_indices_hash_strings_and_floormod_integers():
    strings = layers.StringLookup(vocabulary=["a"], num_oov_indices=3)
    unknown = ["omar", "stringer", "marlo"]
    expected = [fingerprint64(word.encode()) % 3 for word in unknown]
    np.testing.assert_array_equal(strings(unknown).numpy(), expected)
    salted = layers.StringLookup(vocabulary=["a"], num_oov_indices=3, salt=[133, 137])
    np.testing.assert_array_equal(
        salted(unknown).numpy(), [siphash64(w.encode(), (133, 137)) % 3 for w in unknown]
    )
    integers = layers.IntegerLookup(vocabulary=[100], num_oov_indices=3, mask_token=0)
    np.testing.assert_array_equal(integers(torch.tensor([100, 7, 8, 0, -4])).numpy(), [4, 2, 3, 0, 3])
    hashed = layers.IntegerLookup(vocabulary=[100], num_oov_indices=2, oov_method="farmhash")
    np.testing.assert_array_equal(hashed(torch.tensor([7])).numpy(), [fingerprint64(b"7") % 2])


def test_integer_lookup_matches_kerass_docs_and_adapts_by_count_then_value():
    layer = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    data = torch.tensor([[12, 1138, 42], [42, 1000, 36]])
    ids = layer(data)
    np.testing.assert_array_equal(ids.numpy(), [[1, 3, 4], [4, 0, 2]])
    inverse = layers.IntegerLookup(vocabulary=layer.get_vocabulary(), invert=True)
    np.testing.assert_array_equal(inverse(ids).numpy(), [[12, 1138, 42], [42, -1, 36]])
    adapted = layers.IntegerLookup()
    adapted.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
    assert adapted.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    assert ids.device == data.device and ids.dtype == torch.int64


def test_lookup_errors_name_the_problem():
    with pytest.raises(ValueError, match="`num_oov_indices=0` all inputs must be in the vocabulary"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])
    with pytest.raises(ValueError, match="reserved mask_token ''"):
        layers.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="`invert=True` needs `output_mode='int'`"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="`max_tokens` must be None or an int greater than 1"):
        layers.IntegerLookup(max_tokens=1)
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        layers.StringLookup(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(RuntimeError, match="vocabulary must be set before calling"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(TypeError, match="StringLookup takes strings"):
        layers.StringLookup(vocabulary=["a"])(torch.tensor([1]))


NAMES = ["omar", "stringer", "marlo", "wire", "skywalker"]


# -- CategoryEncoding and Hashing ------------------------------------------------------------
@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("data", [[3, 2, 0, 1], [[0, 1, 1], [3, 3, 2]], [[1], [3]]])
def test_category_encoding_matches_keras(output_mode, data):
    expected = keras.layers.CategoryEncoding(num_tokens=5, output_mode=output_mode)(np.array(data))
    result = layers.CategoryEncoding(num_tokens=5, output_mode=output_mode)(torch.tensor(data))
    np.testing.assert_array_equal(result.numpy(), keras.ops.convert_to_numpy(expected))
    assert result.dtype == torch.float32


def test_category_encoding_count_weights_and_errors():
    weights = np.array([[0.5, 1.0, 2.0]], dtype="float32")
    expected = keras.layers.CategoryEncoding(4, output_mode="count")(
        np.array([[1, 1, 3]]), count_weights=weights
    )
    result = layers.CategoryEncoding(4, output_mode="count")(torch.tensor([[1, 1, 3]]), count_weights=weights)
    np.testing.assert_allclose(result.numpy(), keras.ops.convert_to_numpy(expected))
    with pytest.raises(ValueError, match="ids below num_tokens=4. Received: values up to 4"):
        layers.CategoryEncoding(4)(torch.tensor([4]))
    with pytest.raises(ValueError, match="`num_tokens` must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="`output_mode` must be one of"):
        layers.CategoryEncoding(3, output_mode="tf_idf")


@pytest.mark.parametrize(
    ("options", "data", "expected"),
    [
        # Values from Keras's tests and docs (computed by TensorFlow's FarmHash64 / SipHash64).
        ({"num_bins": 3}, [["A"], ["B"], ["C"], ["D"], ["E"]], [[1], [0], [1], [1], [2]]),
        ({"num_bins": 3, "mask_value": ""}, [["A"], ["B"], [""], ["C"], ["D"]], [[1], [1], [0], [2], [2]]),
        ({"num_bins": 3, "salt": [133, 137]}, [["A"], ["B"], ["C"], ["D"], ["E"]], [[1], [2], [1], [0], [2]]),
        ({"num_bins": 3, "salt": 133}, [["A"], ["B"], ["C"], ["D"], ["E"]], [[0], [0], [2], [1], [0]]),
        ({"num_bins": 2}, NAMES, [0, 0, 1, 0, 0]),
        ({"num_bins": 3, "mask_value": "omar"}, NAMES, [0, 1, 2, 1, 1]),
        ({"num_bins": 2, "salt": [211, 137]}, NAMES, [1, 0, 1, 0, 1]),
        ({"num_bins": 3}, np.array([[0], [1], [2], [3], [4]]), [[1], [0], [1], [0], [2]]),
        ({"num_bins": 3, "salt": [133, 137]}, np.array([[0], [1], [2], [3], [4]]), [[1], [1], [2], [0], [1]]),
        ({"num_bins": 1}, ["A", "B"], [0, 0]),
    ],
)  # fmt: skip
def test_hashing_bins_are_kerass(options, data, expected):
    output = layers.Hashing(**options)(data)
    np.testing.assert_array_equal(output.numpy(), expected)
    assert output.dtype == torch.int64


@pytest.mark.parametrize(
    ("length", "farmhash", "siphash"),
    [
        # FarmHash Fingerprint64 and SipHash-2-4 (key 133, 137) of "The quick brown fox..." prefixes,
        # from the reference implementations: every length branch of FarmHash is covered.
        (0, 11160318154034397263, 4928313950774450900),
        (3, 9622071900453499901, 2185041958410692804),
        (12, 16046829537012271495, 6602245860392226260),
        (20, 14682102640708416407, 5217646474542415303),
        (40, 11893331242100975777, 9161082780659901264),
        (64, 10142713867129616544, 15166529759442419008),
        (65, 8330986144681106620, 1129917570715784274),
        (100, 16455262689204363058, 5041460432661891582),
        (135, 18205891532897668313, 10599756600117230202),
    ],
)
def test_hash_functions_match_the_reference_implementations(length, farmhash, siphash):
    data = ("The quick brown fox jumps over the lazy dog. " * 3)[:length].encode()
    assert fingerprint64(data) == farmhash
    assert siphash64(data, (133, 137)) == siphash


def test_hashing_is_deterministic_in_range_and_encodes():
    words = [f"word{i}" for i in range(200)]
    first, second = layers.Hashing(num_bins=7)(words), layers.Hashing(num_bins=7)(words)
    assert torch.equal(first, second) and int(first.min()) >= 0 and int(first.max()) < 7
    masked = layers.Hashing(num_bins=7, mask_value="word0")(words)
    assert int(masked[0]) == 0 and bool((masked[1:] >= 1).all())
    counts = layers.Hashing(num_bins=7, output_mode="count")([words[:3]])
    assert counts.shape == (1, 7) and float(counts.sum()) == 3.0
    with pytest.raises(ValueError, match="`num_bins` must be a positive int"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="`dtype` must be 'int32' or 'int64'"):
        layers.Hashing(num_bins=3, dtype="float32")


# -- in models ---------------------------------------------------------------------------------
def adapted_vectorizer(**options):
    layer = layers.TextVectorization(max_tokens=30, **options)
    layer.adapt(["a good film", "a bad film", "good good fun", "dull and bad"])
    return layer


@pytest.mark.parametrize("shape", [(1,), ()])
def test_a_model_on_raw_strings_predicts_and_fits(shape):
    inputs = fitwell.Input(shape=shape, dtype="string")
    assert inputs.dtype == "string"
    x = adapted_vectorizer(output_sequence_length=6)(inputs)
    assert x.shape == (None, 6) and x.dtype == "int64"
    x = layers.Embedding(30, 4)(x)
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    model = fitwell.Model(inputs, outputs)
    texts = np.array(["a good film", "bad", "fun fun", "dull"]).reshape((-1, *shape))
    predictions = model.predict(texts, verbose=0)
    assert predictions.shape == (4, 1)
    direct = model(StringArray(texts))
    np.testing.assert_allclose(predictions, direct.detach().numpy(), rtol=1e-6)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(texts, np.array([1.0, 0.0, 1.0, 0.0]), epochs=2, batch_size=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_sequence_length_unknown_until_run_time_is_none_in_the_symbolic_shape():
    inputs = fitwell.Input(shape=(), dtype="string")
    ids = adapted_vectorizer()(inputs)
    assert ids.shape == (None, None)
    multi_hot = adapted_vectorizer(output_mode="multi_hot")
    model = fitwell.Sequential([inputs, multi_hot, layers.Dense(2)])
    assert model.layers[0].output.shape == (None, multi_hot.vocabulary_size()) == (None, 8)
    assert model.predict(np.array(["good fun"]), verbose=0).shape == (1, 2)


def test_saved_model_with_text_layers_loads_with_the_same_vocabulary(tmp_path):
    vectorizer = adapted_vectorizer(output_sequence_length=5)
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(1,), dtype="string"),
            vectorizer,
            layers.Embedding(30, 3),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1),
        ]
    )
    texts = np.array([["a good film"], ["unknown words here"]])
    model.save(tmp_path / "text.keras")
    loaded = load_model(tmp_path / "text.keras")
    assert loaded.layers[0].get_vocabulary() == vectorizer.get_vocabulary()
    np.testing.assert_allclose(loaded.predict(texts, verbose=0), model.predict(texts, verbose=0), rtol=1e-6)


def test_functional_model_on_a_string_input_saves_and_loads(tmp_path):
    vectorizer = layers.TextVectorization(max_tokens=20, output_mode="tf_idf")
    vectorizer.adapt(["a b c", "a b", "c d"])
    inputs = fitwell.Input(shape=(), dtype="string", name="text")
    hashed = layers.Hashing(num_bins=4, output_mode="one_hot")(inputs)
    features = layers.Concatenate()([vectorizer(inputs), hashed])
    model = fitwell.Model(inputs, layers.Dense(2)(features))
    assert features.shape == (None, 5 + 4)
    model.save(tmp_path / "functional.keras")
    loaded = load_model(tmp_path / "functional.keras")
    texts = np.array(["a b", "zz"])
    assert loaded.inputs[0].dtype == "string"
    np.testing.assert_allclose(loaded.predict(texts, verbose=0), model.predict(texts, verbose=0), rtol=1e-6)


@pytest.mark.parametrize(
    "layer",
    [
        layers.StringLookup(vocabulary=["x", "y"], mask_token="", num_oov_indices=2),
        layers.IntegerLookup(vocabulary=[5, 9], output_mode="multi_hot"),
        layers.CategoryEncoding(num_tokens=6, output_mode="count"),
        layers.Hashing(num_bins=5, salt=[1, 2], mask_value="z"),
        adapted_vectorizer(output_mode="tf_idf", ngrams=2),
    ],
    ids=["string_lookup", "integer_lookup", "category_encoding", "hashing", "tf_idf_vectorizer"],
)
def test_config_round_trips_to_a_layer_with_the_same_outputs(layer):
    rebuilt = type(layer).from_config(layer.get_config())
    if isinstance(layer, layers.IntegerLookup | layers.CategoryEncoding):
        sample = torch.tensor([[5, 1, 3]])
    elif isinstance(layer, layers.TextVectorization):
        sample = ["a good film", "good fun"]
    else:
        sample = [["x", "z", "good fun"]]
    np.testing.assert_array_equal(rebuilt(sample).numpy(), layer(sample).numpy())


def test_text_classification_from_scratch_pattern_matches_kerass_shapes_and_history_keys():
    # keras.io "Text classification from scratch": vectorize outside the model, then a Conv1D network.
    texts = np.array([f"review {i} {'great' if i % 2 else 'awful'} plot" for i in range(16)])
    labels = np.array([i % 2 for i in range(16)], dtype="float32")
    vectorize_layer = layers.TextVectorization(max_tokens=50, output_sequence_length=20)
    vectorize_layer.adapt(texts)
    ids = vectorize_layer(texts)

    def build(api, sequence_input):
        x = api.layers.Embedding(50, 8)(sequence_input)
        x = api.layers.Dropout(0.5)(x)
        x = api.layers.Conv1D(8, 7, padding="valid", activation="relu", strides=3)(x)
        x = api.layers.GlobalMaxPooling1D()(x)
        x = api.layers.Dense(8, activation="relu")(x)
        outputs = api.layers.Dense(1, activation="sigmoid", name="predictions")(x)
        model = api.Model(sequence_input, outputs)
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        return model

    # The example's input: sequences of any length, then a kernel of 7 with stride 3.
    ours = build(fitwell, fitwell.Input(shape=(None,), dtype="int64"))
    theirs = build(keras, keras.Input(shape=(None,), dtype="int64"))
    assert ours.count_params() == theirs.count_params()
    assert [tuple(layer.output.shape) for layer in ours.layers] == [
        tuple(layer.output.shape) for layer in theirs.layers
    ]
    history = ours.fit(ids, labels, validation_data=(ids, labels), epochs=1, batch_size=8, verbose=0)
    keras_history = theirs.fit(
        ids.numpy(), labels, validation_data=(ids.numpy(), labels), epochs=1, verbose=0
    )
    assert sorted(history_without_learning_rate(history)) == sorted(keras_history.history)
    end_to_end = fitwell.Model(
        inputs := fitwell.Input(shape=(1,), dtype="string"), ours(vectorize_layer(inputs))
    )  # the keras.io export model: raw strings in, probabilities out
    assert end_to_end.predict(np.array([["a great plot"]]), verbose=0).shape == (1, 1)


def test_a_model_takes_text_as_a_numpy_array_when_called_and_as_a_list_in_fit():
    texts = ["a good film", "bad", "great plot", "awful"] * 4
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(texts)
    inputs = fitwell.Input(shape=(), dtype="string")
    x = layers.GlobalAveragePooling1D()(layers.Embedding(20, 2)(vectorize(inputs)))
    model = fitwell.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    direct = model(np.array(texts[:2]))  # Keras's call on a NumPy array of strings
    np.testing.assert_allclose(direct.detach().numpy(), model.predict(np.array(texts[:2]), verbose=0))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(texts, np.array([1, 0, 1, 0] * 4, dtype="float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict(["good", "bad"], verbose=0).shape == (2, 1)
